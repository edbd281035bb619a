"""French error bodies for the API: django-ninja's defaults ("Unauthorized", "Not Found", pydantic's
"Field required") are English, and API users read them."""

import logging

from django.conf import settings
from django.http import Http404
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

logger = logging.getLogger(__name__)

# pydantic error type → French reason (unknown types get a generic reason).
REASONS = {
    "missing": "champ obligatoire",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "decimal_parsing": "nombre décimal attendu",
    "decimal_type": "nombre décimal attendu",
    "decimal_max_digits": "nombre trop long",
    "decimal_max_places": "trop de décimales",
    "bool_parsing": "booléen attendu (true ou false)",
    "date_parsing": "date attendue (AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ)",
    "date_type": "date attendue (AAAA-MM-JJ)",
    "datetime_parsing": "date et heure attendues (AAAA-MM-JJTHH:MM)",
    "enum": "valeur non autorisée",
    "literal_error": "valeur non autorisée",
    "string_type": "texte attendu",
    "string_too_long": "texte trop long",
    "string_too_short": "texte trop court",
    "greater_than": "valeur trop petite",
    "greater_than_equal": "valeur trop petite",
    "less_than": "valeur trop grande",
    "less_than_equal": "valeur trop grande",
    "json_invalid": "JSON invalide",
    "model_attributes_type": "objet JSON attendu",
    "dict_type": "objet JSON attendu",
    "list_type": "liste attendue",
}
GENERIC_MESSAGES = {
    "Unauthorized": "Authentification requise : clé d'API (Authorization: Bearer … ou X-API-Key) ou session.",
    "Forbidden": "Votre rôle ne permet pas cette action.",
}


def french_errors(errors):
    """Same shape as ninja's (loc, type, msg) but a French `msg`; pydantic's English text is dropped."""
    out = []
    for error in errors:
        kind = error.get("type", "")
        reason = REASONS.get(kind, "valeur invalide")
        if kind == "enum" and error.get("ctx", {}).get("expected"):
            expected = str(error["ctx"]["expected"]).replace(" or ", " ou ")
            reason = f"valeur non autorisée (attendu : {expected})"
        out.append({"loc": list(error.get("loc", [])), "type": kind, "msg": reason})
    return out


def install(api):
    @api.exception_handler(ValidationError)
    def validation_error(request, exc):
        return api.create_response(request, {"detail": french_errors(exc.errors)}, status=422)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": "Introuvable (ou hors de vos droits)."}, status=404)

    def http_error(request, exc):
        message = str(exc)
        if isinstance(exc, Throttled):
            message = "Trop de requêtes : réessayez plus tard."
        message = GENERIC_MESSAGES.get(message, message)
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    for kind in (HttpError, AuthenticationError, AuthorizationError, Throttled):
        api.add_exception_handler(kind, http_error)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        if settings.DEBUG:
            raise exc  # the developer wants Django's debug page
        logger.exception("Erreur de l'API sur %s", request.path)
        return api.create_response(request, {"detail": "Erreur interne du serveur."}, status=500)
