"""Record accesses to personal or restricted data (beneficiaries, contacts)."""

import hashlib
import logging

from django.core.cache import cache

from dentelle.core.logs import kv, who
from dentelle.core.models import AuditLog

logger = logging.getLogger("dentelle.audit")


def log_access(user, action, obj=None, *, object_type="", object_id="", detail="", once_per=None):
    """One audit row per access. ``once_per`` (seconds): at most one row per user, action and object
    in that window (the repeated views of a page are not stored again; the log line is still written).
    Never used for beneficiaries: every access to their personal data is stored."""

    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    key = hashlib.sha256(f"{user_id}|{action}|{object_type}|{object_id}".encode()).hexdigest()
    # The line names the person by id and role (never the e-mail); the detail is what the caller wrote.
    line = kv(
        event="audit", action=action, **who(user), object=f"{object_type}:{object_id}", detail=detail or None
    )
    if once_per and not cache.add(f"audit:{key}", 1, once_per):
        logger.info(line + " stored=already")
        return
    AuditLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:400],
    )
    logger.info(line)
