"""French error bodies for the API: django-ninja's defaults ("Unauthorized", "Not Found", pydantic's
"Field required") are English, and API users read them."""

import logging

from django.conf import settings
from django.http import Http404
from ninja import Field, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from dentelle.core.logs import note_refusal

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
BOUNDS = {
    "greater_than": ("gt",),
    "greater_than_equal": ("ge",),
    "less_than": ("lt",),
    "less_than_equal": ("le",),
}
GENERIC_MESSAGES = {
    "Unauthorized": "Authentification requise : clé d'API (Authorization: Bearer … ou X-API-Key) ou session.",
    "Forbidden": "Votre rôle ne permet pas cette action.",
    # django-ninja's session authentication on a POST without the CSRF token (a client without a key).
    "CSRF check Failed": (
        "Jeton CSRF absent ou invalide : une requête authentifiée par session doit porter l'en-tête "
        "X-CSRFToken ; un programme s'authentifie plutôt par clé d'API (Authorization: Bearer …)."
    ),
}
# django-ninja's 400 for a body json.loads cannot read (« Cannot parse request body (…) » under DEBUG).
UNREADABLE_BODY = "Cannot parse request body"
UNREADABLE_BODY_MESSAGE = (
    "Corps de la requête illisible : ce n'est pas du JSON valide (en-tête Content-Type: application/json)."
)


def french_errors(errors):
    """Same shape as ninja's (loc, type, msg) but a French `msg`; pydantic's English text is dropped."""
    out = []
    for error in errors:
        kind = error.get("type", "")
        reason = REASONS.get(kind, "valeur invalide")
        if kind == "missing" and len(error.get("loc", ())) == 2 and error["loc"][0] == "body":
            reason = "corps de la requête manquant : objet JSON attendu"  # the whole body, not one field
        ctx = error.get("ctx") or {}
        bound = next((ctx[key] for key in BOUNDS.get(kind, ()) if key in ctx), None)
        if bound is not None:
            reason = f"{reason} ({'minimum' if kind.startswith('greater') else 'maximum'} : {bound})"
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
        note_refusal(request, exc)  # dentelle.core.logs.RequestEvents writes the line
        return api.create_response(request, {"detail": "Introuvable (ou hors de vos droits)."}, status=404)

    def http_error(request, exc):
        message = str(exc)
        if isinstance(exc, Throttled):
            message = "Trop de requêtes : réessayez plus tard."
        message = GENERIC_MESSAGES.get(message, message)
        if message.startswith(UNREADABLE_BODY):
            message = UNREADABLE_BODY_MESSAGE
        note_refusal(request, message)  # written by dentelle.core.logs.RequestEvents if a 401 or 403
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    for kind in (HttpError, AuthenticationError, AuthorizationError, Throttled):
        api.add_exception_handler(kind, http_error)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        if settings.DEBUG:
            raise exc  # the developer wants Django's debug page
        logger.exception("Erreur de l'API sur %s", request.path)
        return api.create_response(request, {"detail": "Erreur interne du serveur."}, status=500)


def not_allowed_body(request, response):
    """django-ninja answers a method an operation does not take with the bare text « Method not allowed »:
    the same 405 (and its Allow header) with a French JSON body naming the methods the address takes."""
    allowed = ", ".join(m.strip() for m in response.get("Allow", "").split(",") if m.strip()) or "aucune"
    return {
        "detail": f"Méthode {request.method} non autorisée sur cette adresse (méthodes acceptées : {allowed})."
    }


# --- What the OpenAPI schema says about errors ------------------------------------------------------------

MAX_INT = 2**63 - 1  # config.api_guard refuses larger integers in any query string
NO_NUL = "^[^\\u0000]*$"  # config.api_guard refuses a NUL character in a query string or a JSON body


class FieldError(Schema):
    loc: list[str | int] = Field(
        description="Emplacement : ['query', 'limit'], ['body', 'payload', 'hours']…"
    )
    type: str = Field(description="Type d'erreur (pydantic)")
    msg: str = Field(description="Motif en français")


class ApiError(Schema):
    """Corps de toute réponse d'erreur : un motif en français, ou la liste des champs refusés (422)."""

    detail: str | list[FieldError]


ERROR_DESCRIPTIONS = {
    400: "Requête refusée : paramètre inconnu ou impossible (caractère nul, nombre hors limites…), corps impossible ; motif en français",
    401: "Authentification requise : clé d'API (Authorization: Bearer … ou X-API-Key) ou session ; une clé envoyée "
    "mais inconnue : « Clé d'API invalide ou révoquée. »",
    403: "Votre rôle ne permet pas cette action",
    404: "Introuvable (ou hors de vos droits)",
    405: "Méthode non autorisée sur cette adresse (l'en-tête Allow et le motif nomment celles qu'elle accepte)",
    409: "Conflit avec l'état actuel",
    413: "Corps ou fichier trop volumineux",
    422: "Paramètres ou corps invalides : liste des champs refusés et motifs en français",
    429: "Trop de requêtes (ou de clés d'API invalides) : réessayez plus tard",
    503: "Service momentanément indisponible",
}


# What every paged list answers besides its body (dentelle.core.api_checks.page_headers).
PAGE_HEADERS = {
    "X-Total-Count": {
        "description": "Nombre de lignes au total (filtres appliqués), toutes pages confondues",
        "schema": {"type": "integer", "minimum": 0},
    },
    "X-Limit": {
        "description": "Limite appliquée à cette réponse : un `limit` demandé au-delà du maximum y est ramené",
        "schema": {"type": "integer", "minimum": 0},
    },
}


def errors(*codes):
    """`response=` entries for the errors an operation itself raises (403, 404…); the errors every operation
    may answer (400, 401, 422, 429, and 413 with a body) are added to the schema by `document_common_errors`."""
    return {code: ApiError for code in codes}


def document_common_errors(schema):
    """Complete django-ninja's OpenAPI document with what the API's common machinery does to every operation:
    the guard (config.api_guard: 400, 413), authentication (401), validation (422) and throttling (429), and the
    limits the guard enforces on inputs (64-bit integers, no NUL character, paging not negative)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ApiError" not in components:
        error_schema = ApiError.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in error_schema.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components["ApiError"] = error_schema
    body_schemas = set()
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            parameters = operation.get("parameters", [])
            body = operation.get("requestBody")
            codes = [400, 401, 429]
            if parameters or body:
                codes.append(422)
            if body:
                codes.append(413)
            responses = {str(code): answer for code, answer in operation.get("responses", {}).items()}
            for code in codes:
                responses.setdefault(str(code), _error_response(code))
            for code, answer in responses.items():
                if int(code) in ERROR_DESCRIPTIONS:  # django-ninja writes "Forbidden", "Not Found"
                    answer["description"] = ERROR_DESCRIPTIONS[int(code)]
            if any(parameter.get("name") == "limit" for parameter in parameters) and "200" in responses:
                responses["200"]["headers"] = PAGE_HEADERS  # core.api_checks.page_headers
            operation["responses"] = dict(sorted(responses.items()))
            for parameter in parameters:
                _bound(parameter.get("schema", {}), paging=parameter.get("name") in ("limit", "offset"))
            for media in (body or {}).get("content", {}).values():
                _collect_refs(media.get("schema", {}), components, body_schemas)
                _bound(media.get("schema", {}))
    for name in body_schemas:
        _bound(components[name], components=components)
    return schema


def _error_response(code):
    return {
        "description": ERROR_DESCRIPTIONS.get(code, "Erreur"),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}},
    }


def _collect_refs(node, components, found):
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] not in found:
            name = ref.rsplit("/", 1)[1]
            found.add(name)
            _collect_refs(components.get(name, {}), components, found)
        for value in node.values():
            _collect_refs(value, components, found)
    elif isinstance(node, list):
        for value in node:
            _collect_refs(value, components, found)


def _bound(node, paging=False, components=None):
    """Integers within 64 bits (not negative for paging), strings and keys without NUL, recursively."""
    if isinstance(node, list):
        for value in node:
            _bound(value, paging, components)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind == "integer":
        node.setdefault("minimum", 0 if paging else -MAX_INT)
        node.setdefault("maximum", MAX_INT)
    elif kind == "string" and "format" not in node and "pattern" not in node and "enum" not in node:
        node["pattern"] = NO_NUL
    elif kind == "object":
        node.setdefault("propertyNames", {"pattern": NO_NUL})
    for key in ("anyOf", "oneOf", "allOf", "items", "additionalProperties"):
        if key in node:
            _bound(node[key], paging, components)
    for value in node.get("properties", {}).values():
        _bound(value, paging, components)
