"""Who sees a structure's contacts: staff roles (core.permissions), and the members of that structure.

A member reads and edits the contacts of its own structure, never those of another one; the
sourcing notes stay internal to the buyers (core.permissions.can_see_contacts alone).
"""

from dentelle.core.permissions import can_see_contacts, role_of
from dentelle.core.roles import Role


def is_member_of(user, siae):
    return role_of(user) == Role.SIAE_MEMBER and user.siae_id is not None and user.siae_id == siae.pk


def can_see_siae_contacts(user, siae):
    return can_see_contacts(user) or is_member_of(user, siae)
