"""The REST API: one django-ninja router per app, token or session authentication."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from dentelle.accounts.models import ApiToken


class BearerToken(HttpBearer):
    """`Authorization: Bearer dtl_…`"""

    def authenticate(self, request: HttpRequest, token):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class HeaderToken(APIKeyHeader):
    """`X-API-Key: dtl_…`"""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key):
        user = ApiToken.authenticate(key)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="API Dentelle",
    version="1.0",
    description=(
        "API de Dentelle : référentiels (CPV, territoires), annuaire des SIAE, programmation des achats, "
        "recommandations, mise en relation et suivi des heures d'insertion. Authentification par clé "
        "(`Authorization: Bearer <clé>` ou `X-API-Key`) ou par session ; mêmes droits que les pages."
    ),
    auth=[BearerToken(), HeaderToken(), django_auth],
    urls_namespace="api",
)


def _errors_in_french():
    from config.api_errors import install

    install(api)


def _mount():
    from dentelle.accounts.api import router as accounts_router
    from dentelle.decp.api import router as decp_router
    from dentelle.insertion.api import router as insertion_router
    from dentelle.matching.api import router as matching_router
    from dentelle.purchases.api import router as purchases_router
    from dentelle.referentials.api import router as referentials_router
    from dentelle.siaes.api import router as siaes_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/referentials", referentials_router)
    api.add_router("/siaes", siaes_router)
    api.add_router("/purchases", purchases_router)
    api.add_router("/matching", matching_router)
    api.add_router("/insertion", insertion_router)
    api.add_router("/decp", decp_router)


_errors_in_french()
_mount()
