"""Report building from the database (shared by pages, exports and the API); who sees what is
dentelle.purchases.permissions."""

from django.db.models import Prefetch

from dentelle.purchases.models import Finding, FindingStatus
from dentelle.purchases.permissions import visible_lots
from dentelle.purchases.report import lot_entry, report_dict
from dentelle.rules.services import rules_for


def finding_dict(finding):
    return {
        "id": finding.pk,
        "rule": finding.rule_id,
        "kind": finding.kind,
        "subject": finding.subject,
        "estimated_hours": finding.estimated_hours,
        "reasons": finding.reasons,
        "legal_basis": finding.legal_basis,
        "status": finding.status,
        "is_current": finding.is_current,
        "rejection_reason": finding.rejection_reason,
    }


def plan_lots(plan, user):
    return (
        visible_lots(user)
        .filter(operation__plan=plan)
        .select_related("operation__buyer_service")
        .prefetch_related(Prefetch("findings", queryset=Finding.objects.order_by("rule_id", "subject")))
        .order_by("operation__reference", "number")
    )


def plan_report(plan, user):
    """The same JSON shape as `dentelle scan` (summary + lots[] + findings[]), from stored findings.
    Rejected findings are listed but bring no hours."""
    return lots_report(plan, plan_lots(plan, user))


def lots_report(plan, lots):
    """The `dentelle scan` JSON of these lots of the plan, from their stored findings: rejected or no longer
    current findings are listed under ``all_findings`` but bring no hours."""
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
