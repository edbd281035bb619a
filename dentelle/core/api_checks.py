"""What the apps' API operations share: the role check and a service's refusal, as French HTTP errors.

Pages raise Django's PermissionDenied (dentelle.core.permissions.require_role); an API operation answers
django-ninja's HttpError instead, with the same French reasons, so that config.api_errors writes the body.
"""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from ninja.errors import HttpError

from dentelle.core.permissions import has_role

# Every paged API list answers these headers: its body stays a bare list (or the directory's envelope), so
# a client sees there how many rows match and which limit was applied (a `limit` above the maximum is
# lowered to it: X-Limit then says so). config.api_errors documents them on each such operation.
TOTAL_HEADER = "X-Total-Count"
LIMIT_HEADER = "X-Limit"


def require_role(request, roles):
    """A 403 unless the request's user holds one of ``roles`` (a superuser always does)."""
    if not has_role(request.user, roles):
        raise HttpError(403, "Votre rôle ne permet pas cette action.")


@contextmanager
def refused_as(status):
    """A service's refusal (ValidationError, PermissionDenied) inside the block becomes HttpError(status)
    with its French message(s): « Motif un. Motif deux. », never Python's « ['Motif'] »."""
    try:
        yield
    except ValidationError as exc:
        raise HttpError(status, " ".join(exc.messages)) from exc
    except PermissionDenied as exc:
        raise HttpError(status, str(exc)) from exc


def page_headers(response, total, limit):
    """The paged list's total (every row its filters match) and the limit applied, as response headers."""
    response[TOTAL_HEADER] = str(total)
    response[LIMIT_HEADER] = str(limit)
