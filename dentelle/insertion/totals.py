"""Keep RealisedMonth in step with the validated declarations (SQL aggregation).

A summary row is keyed by the contract's dimensions (organisation, buyer service, department,
trade family), so a change is refreshed by recomputing the keys it touches: the key of the contract
whose declaration was validated, or the old and new keys of a contract whose dimensions changed.

Two refreshes of the same organisation are serialised by a row lock on the organisation
(``SELECT … FOR UPDATE``; SQLite serialises writers itself): without it, concurrent validations each
deleted the rows the other had not committed yet, then both inserted, and the totals doubled.
"""

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from dentelle.accounts.models import Organisation
from dentelle.insertion.enums import DeclarationStatus
from dentelle.insertion.models import Contract, HoursDeclaration, RealisedMonth
from dentelle.rules import family_for_cpv

KEY_FIELDS = ("organisation_id", "buyer_service_id", "department_code", "trade_family")


def key_of(contract):
    return tuple(getattr(contract, f) for f in KEY_FIELDS)


def _key_filter(key, prefix=""):
    organisation_id, service_id, department, family = key
    return Q(
        **{
            f"{prefix}organisation_id": organisation_id,
            f"{prefix}buyer_service_id": service_id,
            f"{prefix}department_code": department,
            f"{prefix}trade_family": family,
        }
    )


def _lock_organisations(keys):
    """Take the organisations' row locks in pk order (no deadlock between two refreshes)."""
    organisations = Organisation.objects.select_for_update().order_by("pk")
    if keys is not None:
        organisations = organisations.filter(pk__in={key[0] for key in keys})
    list(organisations.values_list("pk", flat=True))


@transaction.atomic
def refresh_realised(keys=None):
    """Recompute the summary rows of the given dimension keys (all when None). Returns rows written."""
    if keys is not None:
        keys = set(keys)
    _lock_organisations(keys)
    summary = RealisedMonth.objects.all()
    declarations = HoursDeclaration.objects.realised()
    if keys is not None:
        if not keys:
            return 0
        wanted_summary, wanted = Q(), Q()
        for key in keys:
            wanted_summary |= _key_filter(key)
            wanted |= _key_filter(key, "contract__")
        summary = summary.filter(wanted_summary)
        declarations = declarations.filter(wanted)
    summary.delete()
    rows = (
        declarations.values_list(
            "contract__organisation_id",
            "month",
            "contract__buyer_service_id",
            "contract__department_code",
            "contract__trade_family",
            "fulfilment_mode",
        )
        .annotate(total=Sum("hours"), n=Count("pk"))
        .order_by()
    )
    created = RealisedMonth.objects.bulk_create(
        (
            RealisedMonth(
                organisation_id=org,
                month=month,
                buyer_service_id=service,
                department_code=department,
                trade_family=family,
                fulfilment_mode=mode,
                hours=total,
                declarations=n,
            )
            for org, month, service, department, family, mode, total, n in rows.iterator(chunk_size=5000)
        ),
        batch_size=5000,
    )
    return len(created)


@receiver(post_save, sender=HoursDeclaration, dispatch_uid="insertion_declaration_totals")
def _declaration_saved(sender, instance, **kwargs):
    # A draft never counts, so saving one cannot change the summary (imports stay fast); a validated
    # one set back to draft (admin) leaves it: the dashboard then agrees with the yearly report again.
    validated = DeclarationStatus.VALIDATED
    if instance.status == validated or getattr(instance, "loaded_status", None) == validated:
        refresh_realised([key_of(instance.contract)])


@receiver(post_delete, sender=HoursDeclaration, dispatch_uid="insertion_declaration_deleted")
def _declaration_deleted(sender, instance, **kwargs):
    # Deleted in the admin: without this its hours stayed on the dashboard, not in the report.
    if instance.status == DeclarationStatus.VALIDATED:
        refresh_realised([key_of(instance.contract)])


def family_of_lot(lot):
    """The trade family of a lot's CPV code ("" when it has none): what the dashboard groups by."""

    cpv = getattr(lot, "cpv_code", "") if lot is not None else ""
    family = family_for_cpv(cpv) if cpv else None
    return family.id if family else ""


@receiver(pre_save, sender=Contract, dispatch_uid="insertion_contract_old_key")
def _contract_before(sender, instance, **kwargs):
    if not instance.trade_family and instance.lot_id:
        instance.trade_family = family_of_lot(instance.lot)  # derived from the lot's CPV, once
    old = Contract.objects.filter(pk=instance.pk).values_list(*KEY_FIELDS).first() if instance.pk else None
    instance._old_totals_key = old


@receiver(post_save, sender=Contract, dispatch_uid="insertion_contract_totals")
def _contract_saved(sender, instance, created, **kwargs):
    old = getattr(instance, "_old_totals_key", None)
    if not created and old is not None and tuple(old) != key_of(instance):
        refresh_realised([tuple(old), key_of(instance)])
