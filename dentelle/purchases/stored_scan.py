"""A plan stored in the database, for the command line (`dentelle scan --plan ID`,
`dentelle plan import --scan`): found by id or name, reported like `dentelle scan` with no user scope
(the scan itself is ``services.scan_plan``, the plan page's)."""

from dentelle.purchases.models import FindingStatus, Lot, PurchasePlan
from dentelle.purchases.queries import finding_dict
from dentelle.purchases.report import lot_entry, report_dict
from dentelle.rules.services import rules_for


def find_plan(text):
    """A stored plan by id or exact name (None when unknown or ambiguous)."""
    text = str(text).strip()
    if text.isdigit():
        return PurchasePlan.objects.filter(pk=int(text)).select_related("organisation").first()
    plans = list(PurchasePlan.objects.filter(name=text).select_related("organisation")[:2])
    return plans[0] if len(plans) == 1 else None


def stored_plan_report(plan):
    """The `dentelle scan` JSON (summary + lots[]) from the stored findings of every lot of the plan.
    Rejected or no longer current findings are listed under ``all_findings`` but bring no hours."""
    lots = (
        Lot.objects.filter(operation__plan=plan)
        .select_related("operation__buyer_service")
        .prefetch_related("findings")
        .order_by("operation__reference", "number", "pk")
    )
    entries = []
    for lot in lots:
        findings = [finding_dict(f) for f in lot.findings.all()]
        counted = [f for f in findings if f["status"] != FindingStatus.REJECTED and f["is_current"]]
        service = lot.operation.buyer_service
        entry = lot_entry(
            operation=lot.operation.reference,
            lot=lot.number,
            title=lot.title,
            service=service.code or service.name,
            cpv=lot.cpv_code,
            amount=lot.estimated_amount,
            departments=lot.department_codes or [],
            findings=counted,
        )
        entry["id"] = lot.pk
        entry["all_findings"] = findings
        entries.append(entry)
    rules = rules_for(plan.organisation)
    objective = rules.screening.get("annual_objective_hours")
    return report_dict(entries, objective.value if objective else None, rules.versions)
