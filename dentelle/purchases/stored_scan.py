"""A plan stored in the database, for the command line (`dentelle scan --plan ID`,
`dentelle plan import --scan`): found by id or name, reported like `dentelle scan` with no user scope
(the scan itself is ``services.scan_plan``, the plan page's)."""

from dentelle.purchases.models import Lot, PurchasePlan
from dentelle.purchases.queries import lots_report


def find_plan(text):
    """A stored plan by id or exact name (None when unknown or ambiguous)."""
    text = str(text).strip()
    if text.isdigit():
        return PurchasePlan.objects.filter(pk=int(text)).select_related("organisation").first()
    plans = list(PurchasePlan.objects.filter(name=text).select_related("organisation")[:2])
    return plans[0] if len(plans) == 1 else None


def stored_plan_report(plan):
    """The `dentelle scan` JSON (summary + lots[]) from the stored findings of every lot of the plan."""
    lots = (
        Lot.objects.filter(operation__plan=plan)
        .select_related("operation__buyer_service")
        .prefetch_related("findings")
        .order_by("operation__reference", "number", "pk")
    )
    return lots_report(plan, lots)
