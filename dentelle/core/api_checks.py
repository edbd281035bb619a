"""What the apps' API operations share: the role check and a service's refusal, as French HTTP errors.

Pages raise Django's PermissionDenied (dentelle.core.permissions.require_role); an API operation answers
django-ninja's HttpError instead, with the same French reasons, so that config.api_errors writes the body.
"""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from ninja.errors import HttpError

from dentelle.core.permissions import has_role


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
