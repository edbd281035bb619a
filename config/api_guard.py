"""Reject query strings that would reach the database as impossible values.

- Anywhere: a NUL character in the query string, or in an API body that is not a multipart upload, whatever its
  declared content type (django-ninja reads `text/plain` as JSON too; PostgreSQL refuses NUL in text: 500s).
- In the API: a body beyond DATA_UPLOAD_MAX_MEMORY_SIZE answers a French JSON 413 (not Django's HTML 400).
- In the API: every router takes `limit`/`offset` and integer ids from the query string; a negative slice
  or an integer beyond 64 bits raises deep in the ORM. One guard answers 400 in French instead.
"""

import json
import re

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse

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
            return self.get_response(request)
        if is_api:
            return HttpResponse(
                json.dumps({"detail": problem}, ensure_ascii=False),
                status=status,
                content_type="application/json; charset=utf-8",
            )
        from dentelle.core.views import bad_request

        return bad_request(request)
