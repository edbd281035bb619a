"""Who may do what. Apps reuse these helpers in views, the API and the admin."""

from django.core.exceptions import PermissionDenied

from dentelle.core.roles import Role

CAN_EDIT_PLANS = {Role.DIRECTION, Role.PURCHASING_OFFICER, Role.BUYER}
CAN_DECIDE_FINDINGS = {Role.DIRECTION, Role.PURCHASING_OFFICER}
CAN_EDIT_ANY_SIAE = {Role.DIRECTION, Role.PURCHASING_OFFICER}
CAN_SEE_CONTACTS = {Role.DIRECTION, Role.PURCHASING_OFFICER, Role.BUYER, Role.FACILITATOR}
CAN_SEE_BENEFICIARIES = {Role.DIRECTION, Role.FACILITATOR}
CAN_VALIDATE_DECLARATIONS = {Role.FACILITATOR}
CAN_DECLARE_HOURS = {Role.FACILITATOR, Role.DIRECTION}
# Creating a buyer service (e.g. from a plan file naming an unknown one) is an organisation-wide act.
CAN_CREATE_SERVICES = {Role.DIRECTION, Role.PURCHASING_OFFICER}
CAN_SEE_PROGRESS = {Role.DIRECTION, Role.PURCHASING_OFFICER, Role.BUYER, Role.FACILITATOR, Role.READER}


def role_of(user):
    if not getattr(user, "is_authenticated", False):
        return None
    return Role(user.role) if user.role else None


def has_role(user, roles):
    if getattr(user, "is_superuser", False):
        return True
    return role_of(user) in roles


def require_role(user, roles):
    if not has_role(user, roles):
        raise PermissionDenied("Votre rôle ne permet pas cette action.")


def can_see_contacts(user):
    return has_role(user, CAN_SEE_CONTACTS)


def can_see_beneficiaries(user):
    return has_role(user, CAN_SEE_BENEFICIARIES)


def can_edit_siae(user, siae):
    """Officers edit any structure; an SIAE member edits only its own."""
    if has_role(user, CAN_EDIT_ANY_SIAE):
        return True
    return role_of(user) == Role.SIAE_MEMBER and user.siae_id is not None and user.siae_id == siae.pk


def visible_services(user, queryset):
    """A buyer sees the operations of its own service; other staff roles see their organisation."""
    if getattr(user, "is_superuser", False):
        return queryset
    role = role_of(user)
    if role is None or role == Role.SIAE_MEMBER:
        return queryset.none()
    if role == Role.BUYER:
        return queryset.filter(pk=user.buyer_service_id)
    return queryset.filter(organisation_id=user.organisation_id)


def writable_services(user, queryset):
    """Services whose plans the user may write: a buyer its own service only, the direction and the
    purchasing officer their whole organisation, nobody else (a superuser: all)."""
    if getattr(user, "is_superuser", False):
        return queryset
    role = role_of(user)
    if role == Role.BUYER:
        return queryset.filter(pk=user.buyer_service_id) if user.buyer_service_id else queryset.none()
    if role in CAN_EDIT_PLANS and user.organisation_id:
        return queryset.filter(organisation_id=user.organisation_id)
    return queryset.none()


def can_create_services(user):
    return has_role(user, CAN_CREATE_SERVICES)
