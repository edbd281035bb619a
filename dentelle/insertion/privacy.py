"""Beneficiaries are personal data: restricted reading, logged access, purge on schedule."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import DateField, Max, Value
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from dentelle.core.audit import log_access
from dentelle.core.permissions import can_see_beneficiaries
from dentelle.insertion.models import Beneficiary


def beneficiaries_for(user, *, action, detail=""):
    """The beneficiaries a user may read; the access is logged. Raises PermissionDenied otherwise."""
    if not can_see_beneficiaries(user):
        raise PermissionDenied(
            "Les données des bénéficiaires sont réservées aux facilitateurs et à la direction."
        )
    log_access(user, action, object_type="insertion.Beneficiary", object_id="*", detail=detail)
    queryset = Beneficiary.objects.all()
    if not getattr(user, "is_superuser", False):
        queryset = queryset.filter(organisation_id=user.organisation_id)
    return queryset


def beneficiary_for(user, pk, *, action="consultation"):
    if not can_see_beneficiaries(user):
        raise PermissionDenied(
            "Les données des bénéficiaires sont réservées aux facilitateurs et à la direction."
        )
    queryset = Beneficiary.objects.all()
    if not getattr(user, "is_superuser", False):
        queryset = queryset.filter(organisation_id=user.organisation_id)
    beneficiary = get_object_or_404(queryset, pk=pk)
    log_access(user, action, beneficiary)
    return beneficiary


def purge_due(now=None, retention_days=None):
    """Beneficiaries whose last activity is older than the retention period, not purged yet.

    Last activity: the latest of exit date, contract end and last month declared. A person still in
    a path (no end date, no exit) is never due.
    """
    now = now or timezone.now()
    days = settings.DENTELLE_BENEFICIARY_RETENTION_DAYS if retention_days is None else retention_days
    limit = (now - timedelta(days=days)).date()
    never = Value(date(1900, 1, 1), output_field=DateField())
    last_activity = Greatest(
        Coalesce("exited_on", never),
        Coalesce("contract_end", never),
        Coalesce(Max("declarations__month"), never),
        output_field=DateField(),
    )
    return (
        Beneficiary.objects.filter(purged_at__isnull=True)
        .annotate(last_activity=last_activity)
        .filter(last_activity__lte=limit)
        .exclude(exited_on__isnull=True, contract_end__isnull=True, exit_outcome="")
    )


def purge(queryset, now=None):
    """Blank the personal fields; coarse facts and declarations stay so the aggregates do not move."""
    now = now or timezone.now()
    blank = {
        name: None if name in {"contract_start", "contract_end", "exited_on"} else ""
        for name in Beneficiary.PERSONAL_FIELDS
    }
    pks = list(queryset.values_list("pk", flat=True))
    Beneficiary.objects.filter(pk__in=pks).update(purged_at=now, **blank)
    return len(pks)
