"""The plan page from SQL: the summary aggregated by the database and the lots paginated, so that the
page costs a fixed number of queries whatever the size of the plan (the full report, `plan_report`, stays
for exports and the API).

Same figures as ``report.summarise`` over ``queries.plan_report``: a lot's hours are the largest estimate
among its counted findings (current and not rejected); a lot over several departments counts in each with
an equal share of its hours and amount (grouped here by department list, then shared).
"""

from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from dentelle.purchases.models import Finding, FindingStatus
from dentelle.purchases.permissions import visible_lots
from dentelle.purchases.report import empty_breakdowns, summary_dict
from dentelle.rules.services import rules_for


def counted_findings():
    return Finding.objects.filter(is_current=True).exclude(status=FindingStatus.REJECTED)


def _per_lot(aggregate):
    return Coalesce(
        Subquery(
            counted_findings()
            .filter(lot=OuterRef("pk"))
            .order_by()
            .values("lot")
            .annotate(value=aggregate)
            .values("value")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def plan_lots_with_figures(plan, user):
    """Visible lots of the plan with ``potential_hours`` and ``finding_count`` computed by the database."""
    return (
        visible_lots(user)
        .filter(operation__plan=plan)
        .annotate(potential_hours=_per_lot(Max("estimated_hours")), finding_count=_per_lot(Count("pk")))
    )


def plan_summary(plan, user):
    """Two grouped queries: findings by kind, and lots by (service, department list); the totals, the
    service table and the department table are sums over those few groups."""
    lots = plan_lots_with_figures(plan, user)
    findings = counted_findings().filter(lot__in=visible_lots(user).filter(operation__plan=plan))
    lots_by_kind, findings_by_kind = {}, {}
    for kind, n_lots, n_findings in (
        findings.order_by("kind")
        .values("kind")
        .annotate(n_lots=Count("lot", distinct=True), n=Count("pk"))
        .values_list("kind", "n_lots", "n")
    ):
        lots_by_kind[kind], findings_by_kind[kind] = n_lots, n_findings
    groups = (
        lots.order_by()
        .values("operation__buyer_service__code", "operation__buyer_service__name", "department_codes")
        .annotate(
            n=Count("pk"),
            hours=Sum("potential_hours"),
            amount=Sum("estimated_amount"),
            found=Sum("finding_count"),
            with_findings=Count("pk", filter=Q(finding_count__gt=0)),
        )
    )
    totals = {"lots": 0, "hours": 0, "with_findings": 0}
    by_service, by_department = empty_breakdowns()
    for row in groups:
        hours, found = row["hours"] or 0, row["found"] or 0
        totals["lots"] += row["n"]
        totals["hours"] += hours
        totals["with_findings"] += row["with_findings"]
        name = row["operation__buyer_service__code"] or row["operation__buyer_service__name"] or "—"
        service = by_service[name]
        service["lots"] += row["n"]
        service["potential_hours"] += hours
        service["findings"] += found
        departments = list(dict.fromkeys(row["department_codes"] or [])) or ["—"]
        share = Decimal(1) / len(departments)
        for department in departments:
            target = by_department[department]
            target["lots"] += row["n"]
            target["findings"] += found
            target["potential_hours"] += hours * share
            if row["amount"] is not None:
                target["amount"] += row["amount"] * share
            if len(departments) > 1:
                target["shared_lots"] += row["n"]
    rules = rules_for(plan.organisation)
    objective = rules.screening.get("annual_objective_hours")
    return summary_dict(
        lots=totals["lots"],
        lots_with_findings=totals["with_findings"],
        lots_by_kind=lots_by_kind,
        findings_by_kind=findings_by_kind,
        potential_hours=totals["hours"] or 0,
        by_service=by_service,
        by_department=by_department,
        objective_hours=objective.value if objective else None,
        versions=rules.versions,
    )


def filtered_lots(plan, user, kind="", service=""):
    """The lots of the page, filtered and sorted by the database (most hours first), findings of the
    current page only prefetched (all of them, rejected ones included, for the badges)."""
    lots = plan_lots_with_figures(plan, user)
    if kind:
        lots = lots.filter(Exists(counted_findings().filter(lot=OuterRef("pk"), kind=kind)))
    if service:
        lots = lots.filter(
            Q(operation__buyer_service__code=service)
            | Q(operation__buyer_service__code="", operation__buyer_service__name=service)
        )
    return (
        lots.select_related("operation__buyer_service")
        .prefetch_related(Prefetch("findings", queryset=Finding.objects.order_by("rule_id", "subject")))
        .order_by("-potential_hours", "-finding_count", "operation__reference", "number", "pk")
    )
