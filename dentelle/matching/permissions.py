"""Who may search structures, see a structure's opportunities and answer for it (pages and API).

Lots are seen under the purchase pages' rule (dentelle.purchases.permissions.can_see_lot).
"""

from dentelle.core.permissions import CAN_SEE_PROGRESS, has_role, role_of
from dentelle.core.roles import Role

STAFF_ROLES = CAN_SEE_PROGRESS  # who searches structures and sees the rankings of lots


def is_member_of(user, siae_id):
    """The user is a member of this structure: the only one who answers for it."""
    return role_of(user) == Role.SIAE_MEMBER and user.siae_id is not None and user.siae_id == siae_id


def can_see_opportunities(user, siae):
    return has_role(user, STAFF_ROLES) or is_member_of(user, siae.pk)
