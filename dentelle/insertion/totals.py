"""Keep RealisedMonth in step with the validated declarations (SQL aggregation, per contract)."""

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.signals import post_save
from django.dispatch import receiver

from dentelle.insertion.enums import DeclarationStatus
from dentelle.insertion.models import HoursDeclaration, RealisedMonth


@transaction.atomic
def refresh_realised(contract_ids=None):
    """Recompute the summary for the given contracts (all when None). Returns the rows written."""
    summary = RealisedMonth.objects.all()
    declarations = HoursDeclaration.objects.realised()
    if contract_ids is not None:
        contract_ids = list(contract_ids)
        summary = summary.filter(contract_id__in=contract_ids)
        declarations = declarations.filter(contract_id__in=contract_ids)
    summary.delete()
    rows = (
        declarations.values_list("contract_id", "month", "fulfilment_mode")
        .annotate(total=Sum("hours"), n=Count("pk"))
        .order_by()
    )
    created = RealisedMonth.objects.bulk_create(
        (
            RealisedMonth(contract_id=c, month=m, fulfilment_mode=mode, hours=total, declarations=n)
            for c, m, mode, total, n in rows.iterator(chunk_size=5000)
        ),
        batch_size=5000,
    )
    return len(created)


@receiver(post_save, sender=HoursDeclaration, dispatch_uid="insertion_refresh_realised")
def _declaration_saved(sender, instance, **kwargs):
    # A draft never counts, so saving one cannot change the summary (imports stay fast).
    if instance.status == DeclarationStatus.VALIDATED:
        refresh_realised([instance.contract_id])
