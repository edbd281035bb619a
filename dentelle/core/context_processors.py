import time

from django.utils.translation import get_language
from dsfr.models import DsfrConfig

from dentelle.core import permissions as perms
from dentelle.core.roles import Role, capabilities_of

SITE_CONFIG_SECONDS = 60
_site_config = {"value": None, "until": 0.0}


def site_config(request):
    """django-dsfr's site configuration, read from the database once a minute per process instead of
    twice per page (its own context processor asks for the current language's row, then for any row)."""
    now = time.monotonic()
    if now >= _site_config["until"]:
        config = DsfrConfig.objects.filter(language=get_language()).first() or DsfrConfig.objects.first()
        _site_config.update(value=config, until=now + SITE_CONFIG_SECONDS)
    return {"SITE_CONFIG": _site_config["value"]}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_role_label": "", "user_capabilities": [], "nav": {}}
    role = Role(user.role) if user.role else None
    return {
        "user_role_label": role.label if role else ("Administrateur" if user.is_superuser else ""),
        "user_capabilities": capabilities_of(role, user.is_superuser),
        "nav": sections_for(user),
    }


def sections_for(user):
    """What the navigation offers a user: only the pages its role may open (no link to « Accès refusé »).
    The same permission sets as the views, so a link shown is a page granted."""
    staff = perms.has_role(user, perms.CAN_SEE_PROGRESS)
    member_siae = user.siae_id if perms.role_of(user) == Role.SIAE_MEMBER and user.siae_id else None
    return {
        "plans": staff,
        "plan_upload": perms.has_role(user, perms.CAN_EDIT_PLANS),
        "directory": True,
        "matching": staff,
        "insertion": staff,
        "pending": perms.has_role(user, perms.CAN_VALIDATE_DECLARATIONS | perms.CAN_DECLARE_HOURS),
        "declare": perms.has_role(user, perms.CAN_DECLARE_HOURS),
        "beneficiaries": perms.can_see_beneficiaries(user),
        "decp": staff,
        "jobs": staff,
        "settings": staff,
        "referentials": True,
        "admin": bool(user.is_staff),
        "siae": member_siae,
    }
