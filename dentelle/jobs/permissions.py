"""Which background jobs a person sees (job pages and downloads)."""

from dentelle.core.permissions import CAN_SEE_PROGRESS, role_of
from dentelle.core.roles import Role
from dentelle.jobs.models import Job


def visible_jobs(user):
    """Jobs a person may see: a superuser all; a buyer those they asked for; other staff roles those of
    their organisation. Periodic jobs (no organisation) only a superuser."""
    if getattr(user, "is_superuser", False):
        return Job.objects.all()
    role = role_of(user)
    if role not in CAN_SEE_PROGRESS:
        return Job.objects.none()
    if role == Role.BUYER:
        return Job.objects.filter(created_by=user)
    if not user.organisation_id:
        return Job.objects.filter(created_by=user)
    return Job.objects.filter(organisation_id=user.organisation_id)
