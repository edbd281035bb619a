"""Client of Le marché de l'inclusion's public API (`GET /api/siae/`). Nothing else opens a connection.

The API authenticates with `Authorization: Bearer <token>` and paginates with limit/offset, following
`next` links. `opener` is injectable so that tests replay recorded payloads without any network.
"""

import json
import logging
import urllib.parse
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://lemarche.inclusion.beta.gouv.fr/api"
PAGE_SIZE = 100
TIMEOUT_S = 30


class LemarcheApiError(Exception):
    pass


def urllib_opener(request):
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 (fixed https host)
        return json.loads(response.read().decode("utf-8"))


class LemarcheClient:
    def __init__(self, token=None, api_url=None, opener=urllib_opener, max_pages=500):
        self.token = token if token is not None else getattr(settings, "LEMARCHE_API_TOKEN", "")
        self.api_url = (api_url or getattr(settings, "LEMARCHE_API_URL", "") or DEFAULT_API_URL).rstrip("/")
        self.opener, self.max_pages = opener, max_pages

    def request(self, url):
        if not self.token:
            raise LemarcheApiError(
                "Jeton d'API du marché de l'inclusion absent (réglage LEMARCHE_API_TOKEN)."
            )
        request = urllib.request.Request(
            url, headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        )
        try:
            return self.opener(request)
        except LemarcheApiError:
            raise
        except Exception as exc:  # network, HTTP or JSON error: one French message for the caller
            logger.warning("event=api_call service=lemarche url=%s status=failed error=%r", url, exc)
            raise LemarcheApiError(
                f"Appel à l'API du marché de l'inclusion impossible ({url}) : {exc}"
            ) from exc

    def siae_pages(self, **filters):
        """Yield each page of `/api/siae/` (dicts with count, next, previous, results)."""
        query = urllib.parse.urlencode({"limit": PAGE_SIZE, "offset": 0, **filters}, doseq=True)
        url = f"{self.api_url}/siae/?{query}"
        for _ in range(self.max_pages):
            page = self.request(url)
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise LemarcheApiError(
                    "Réponse inattendue de l'API du marché de l'inclusion (pas de « results »)."
                )
            yield page
            url = page.get("next")
            if not url:
                return
            if not url.startswith(self.api_url):
                raise LemarcheApiError(f"Lien de page suivante hors du site attendu : {url}")

    def siae_list(self, **filters):
        return [item for page in self.siae_pages(**filters) for item in page["results"]]
