"""The REST API: one django-ninja router per app, token or session authentication."""

import math
from decimal import Decimal

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from config.api_guard import unknown_query_refused
from dentelle.accounts.models import ApiToken
from dentelle.core.throttling import ApiUserThrottle, check_api_key_attempts, record_bad_api_key

BAD_API_KEY = "Clé d'API invalide ou révoquée."


def _user_of_key(request, raw):
    """The key's user; too many wrong keys from one address answer 429 (before any lookup). A key sent but
    unknown answers 401 « clé d'API invalide ou révoquée » at once: the session is not tried after it (its
    CSRF check would answer an English 403 to a program that only mistyped its key)."""
    if not raw:  # no key in this header: another authentication may apply
        return None
    check_api_key_attempts(request)
    user = ApiToken.authenticate(raw)
    if user is None:
        record_bad_api_key(request)
        raise HttpError(401, BAD_API_KEY)
    request.user = user
    return user


class BearerToken(HttpBearer):
    """`Authorization: Bearer dtl_…`"""

    def authenticate(self, request: HttpRequest, token):
        return _user_of_key(request, token)


class HeaderToken(APIKeyHeader):
    """`X-API-Key: dtl_…`"""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key):
        return _user_of_key(request, key)


# Numbers in API answers carry at most this many decimals: no binary noise (49000.899999999994 → 49000.9,
# 53721.99999999999 → 53722.0) and no 28-digit Decimal quotients; coordinates (6 decimals) are kept.
API_DECIMALS = 6
_DECIMAL_STEP = Decimal(1).scaleb(-API_DECIMALS)


def tidy_numbers(value):
    """The same data with every float and Decimal rounded to API_DECIMALS (Decimals stay Decimals, written
    without exponent); NaN and infinities are left to the encoder."""
    if isinstance(value, float):
        return round(value, API_DECIMALS) if math.isfinite(value) else value
    if isinstance(value, Decimal):
        if not value.is_finite() or value.as_tuple().exponent >= -API_DECIMALS:
            return value
        return Decimal(format(value.quantize(_DECIMAL_STEP).normalize(), "f"))
    if isinstance(value, dict):
        return {key: tidy_numbers(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [tidy_numbers(item) for item in value]
    return value


class TidyJSONRenderer(JSONRenderer):
    def render(self, request, data, *, response_status):
        return super().render(request, tidy_numbers(data), response_status=response_status)


class DentelleAPI(NinjaAPI):
    """The OpenAPI document also states what the common machinery answers (config.api_errors)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        from config.api_errors import document_common_errors

        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_common_errors(schema)


api = DentelleAPI(
    title="API Dentelle",
    version="1.0",
    description=(
        "API de Dentelle : référentiels (CPV, territoires), annuaire des SIAE, programmation des achats, "
        "recommandations, mise en relation et suivi des heures d'insertion. Authentification par clé "
        "(`Authorization: Bearer <clé>` ou `X-API-Key`) ou par session ; mêmes droits que les pages. Un "
        "paramètre de requête qu'une opération ne prend pas (`?plan=` au lieu de `?plan_id=`) est refusé (400), "
        "jamais ignoré. Une liste paginée répond une liste et les en-têtes `X-Total-Count` (lignes au total) et "
        "`X-Limit` (limite appliquée : un `limit` au-delà du maximum y est ramené)."
    ),
    auth=[BearerToken(), HeaderToken(), django_auth],
    throttle=[ApiUserThrottle()],
    urls_namespace="api",
    renderer=TidyJSONRenderer(),
)


def _errors_in_french():
    from config.api_errors import install

    install(api)


def _mount():
    from dentelle.accounts.api import router as accounts_router
    from dentelle.decp.api import router as decp_router
    from dentelle.insertion.api import router as insertion_router
    from dentelle.matching.api import router as matching_router
    from dentelle.matching.api_coverage import router as coverage_router
    from dentelle.purchases.api import router as purchases_router
    from dentelle.referentials.api import router as referentials_router
    from dentelle.siaes.api import router as siaes_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/referentials", referentials_router)
    api.add_router("/siaes", siaes_router)
    api.add_router("/siaes", coverage_router)
    api.add_router("/purchases", purchases_router)
    api.add_router("/matching", matching_router)
    api.add_router("/insertion", insertion_router)
    api.add_router("/decp", decp_router)


_errors_in_french()
api.add_decorator(unknown_query_refused)
_mount()
