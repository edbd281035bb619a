"""Record accesses to personal or restricted data (beneficiaries, contacts)."""

import logging

logger = logging.getLogger("dentelle.audit")


def log_access(user, action, obj=None, *, object_type="", object_id="", detail=""):
    from dentelle.core.models import AuditLog

    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    AuditLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:400],
    )
    logger.info("%s %s %s:%s %s", user, action, object_type, object_id, detail)
