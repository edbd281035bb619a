"""Reject query strings that would reach the database as impossible values.

- Anywhere: a NUL character in the query string, or in an API body that is not a multipart upload, whatever its
  declared content type (django-ninja reads `text/plain` as JSON too; PostgreSQL refuses NUL in text: 500s).
- In the API: a body beyond DATA_UPLOAD_MAX_MEMORY_SIZE answers a French JSON 413 (not Django's HTML 400).
- In the API: every router takes `limit`/`offset` and integer ids from the query string; a negative slice
  or an integer beyond 64 bits raises deep in the ORM. One guard answers 400 in French instead.
- In the API: a method an address does not take answers django-ninja's 405 with a French JSON body
  (config.api_errors.not_allowed_body), not the bare English « Method not allowed ».
- In the API: a query parameter the operation does not take (`?plan=3` where the filter is `plan_id`) answers
  400 and names the parameters it takes, instead of being ignored (a filter silently dropped returns
  everything: `unknown_query_refused`).
"""

import json
import re
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from ninja.errors import HttpError
from ninja.params.models import QueryModel

from config.api_errors import not_allowed_body

INTEGER = re.compile(r"-?\d+")
MAX_INT = 2**63 - 1
PAGING = {"limit", "offset"}


def query_problem(query, api=True):
    """French reason why this QueryDict cannot be served, or None."""
    for name, values in query.lists():
        for value in values:
            if "\x00" in value or "\x00" in name:
                return f"Paramètre « {name.replace(chr(0), '')} » : caractère nul interdit."
            if not api or not INTEGER.fullmatch(value.strip()):
                continue
            number = int(value)
            if abs(number) > MAX_INT:
                return f"Paramètre « {name} » : nombre trop grand."
            if name in PAGING and number < 0:
                return f"Paramètre « {name} » : nombre positif ou nul attendu."
    return None


def body_problem(body):
    """A JSON body carrying a NUL character (escaped or raw) would fail in PostgreSQL."""
    if b"\\u0000" in body or b"\x00" in body:
        return "Corps JSON : caractère nul interdit."
    return None


def query_names(operation):
    """The query parameters a django-ninja operation reads (a schema given as ``Query[...]`` is flattened)."""
    names = set()
    for model in operation.models:
        if issubclass(model, QueryModel):
            flattened = getattr(model, "__ninja_flatten_map__", None)
            names |= set(flattened) if flattened else {f.alias or n for n, f in model.model_fields.items()}
    return names


def unknown_query_refused(view_func):
    """An operation's function, refusing query parameters it does not read (installed by config.api for
    every operation as a ninja "operation" decorator: after authentication, so a stranger gets 401 first)."""
    operation = view_func._ninja_operation
    taken = query_names(operation)

    @wraps(view_func)
    def checked(request, *args, **kwargs):
        unknown = sorted(set(request.GET) - taken)
        if not unknown:
            return view_func(request, *args, **kwargs)
        listed = ", ".join(f"« {name} »" for name in unknown)
        accepted = ", ".join(sorted(taken)) or "aucun"
        raise HttpError(400, f"Paramètre inconnu : {listed} (paramètres acceptés : {accepted}).")

    return checked


def too_big_problem():
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return f"Corps de la requête trop volumineux : {limit} octets au maximum."


class QueryGuard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path.startswith("/api/")
        problem, status = query_problem(request.GET, api=is_api), 400
        if problem is None and is_api and request.content_type != "multipart/form-data":
            try:
                problem = body_problem(request.body)
            except RequestDataTooBig:
                problem, status = too_big_problem(), 413
        if problem is None:
            response = self.get_response(request)
            if is_api and response.status_code == 405 and "json" not in response.get("Content-Type", ""):
                response.content = json.dumps(not_allowed_body(request, response), ensure_ascii=False)
                response["Content-Type"] = "application/json; charset=utf-8"
            return response
        if is_api:
            return HttpResponse(
                json.dumps({"detail": problem}, ensure_ascii=False),
                status=status,
                content_type="application/json; charset=utf-8",
            )
        from dentelle.core.views import bad_request

        return bad_request(request)
