"""Scanning stored plans and deciding findings (the database side of the scanner)."""

import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dentelle.core.logs import log_scan
from dentelle.purchases.allotment_scan import with_optimised_allotment
from dentelle.purchases.allotment_sites import create_allotted_lots
from dentelle.purchases.facts import lot_request, operation_facts, plan_years, prepare_supply
from dentelle.purchases.models import (
    Finding,
    FindingKind,
    FindingStatus,
    LineItem,
    Lot,
    Operation,
    Procedure,
    ReservationKind,
)
from dentelle.purchases.screening import screen_lot
from dentelle.purchases.supply import make_supply
from dentelle.rules.services import rules_for


def _organisation_of(operation):
    return operation.buyer_service.organisation


UPDATED_FIELDS = [
    "kind",
    "estimated_hours",
    "reasons",
    "legal_basis",
    "figures",
    "proposal",
    "parameter_versions",
    "is_current",
    "updated_at",
]


@transaction.atomic
def scan_operations(operations, supply=None, rules=None):
    """Scan operations and store findings. Decisions already taken are kept (same lot, rule, subject);
    a proposed finding no longer produced is removed; a decided one is kept and flagged as not current."""
    started = time.monotonic()
    supply = supply if supply is not None else make_supply()
    operations = list(operations)
    # Every able count of the scan in one batch (operation_facts then reads them).
    prepare_supply(supply, [lot_request(lot) for operation in operations for lot in operation.lots.all()])
    counts = {"lots": 0, "findings": 0, "kept_decisions": 0}
    rules_cache = {}
    years = plan_years(operations)
    batch = _Batch()
    for operation in operations:
        organisation_id = operation.buyer_service.organisation_id
        if rules is not None:
            op_rules = rules
        elif organisation_id not in rules_cache:
            op_rules = rules_cache[organisation_id] = rules_for(_organisation_of(operation))
        else:
            op_rules = rules_cache[organisation_id]
        for lot, facts in operation_facts(operation, supply, years.get(operation.plan_id)):
            counts["lots"] += 1
            drafts = with_optimised_allotment(lot, facts, screen_lot(facts, op_rules), op_rules)
            counts["findings"] += len(drafts)
            counts["kept_decisions"] += _store(lot, drafts, op_rules, batch)
    batch.flush()
    plans = sorted({operation.plan_id for operation in operations})
    log_scan(
        ",".join(map(str, plans)) or None,
        counts["lots"],
        counts["findings"],
        time.monotonic() - started,
        operations=len(operations),
        kept_decisions=counts["kept_decisions"],
    )
    return counts


def scan_plan(plan, supply=None):
    operations = (
        Operation.objects.filter(plan=plan)
        .select_related("buyer_service__organisation")
        .prefetch_related("lots__findings", "line_items")
    )
    return scan_operations(operations, supply)


class _Batch:
    def __init__(self):
        self.create, self.update, self.delete, self.stale = [], [], [], []

    def flush(self):
        Finding.objects.bulk_create(self.create, batch_size=500)
        Finding.objects.bulk_update(self.update, UPDATED_FIELDS, batch_size=500)
        Finding.objects.filter(pk__in=self.delete).delete()
        Finding.objects.filter(pk__in=self.stale).update(is_current=False, updated_at=timezone.now())


def _store(lot, drafts, rules, batch):
    existing = {(f.rule_id, f.subject): f for f in lot.findings.all()}
    seen, kept, now = set(), 0, timezone.now()
    for draft in drafts:
        key = (draft.rule_id, draft.subject)
        seen.add(key)
        values = {
            "kind": draft.kind,
            "estimated_hours": draft.estimated_hours,
            "reasons": draft.reasons,
            "legal_basis": draft.legal_basis[:300],
            "figures": draft.figures_dict(),
            "proposal": draft.proposal,
            "parameter_versions": rules.versions,
            "is_current": True,
        }
        finding = existing.get(key)
        if finding is None:
            batch.create.append(Finding(lot=lot, rule_id=draft.rule_id, subject=draft.subject, **values))
            continue
        if finding.status != FindingStatus.PROPOSED:
            kept += 1
        changed = [name for name, value in values.items() if getattr(finding, name) != value]
        if changed:
            for name in changed:
                setattr(finding, name, values[name])
            finding.updated_at = now
            batch.update.append(finding)
    for key, finding in existing.items():
        if key in seen:
            continue
        if finding.status == FindingStatus.PROPOSED:
            batch.delete.append(finding.pk)
        elif finding.is_current:
            batch.stale.append(finding.pk)
    return kept


@transaction.atomic
def accept_finding(finding, user):
    """Accept and apply the proposal to the lot's planned measures."""
    lot = Lot.objects.select_for_update().get(pk=finding.lot_id)
    kind = finding.kind
    if kind in (FindingKind.SOCIAL_CLAUSE, FindingKind.NEW_SECTOR, FindingKind.MANDATORY_CONDITION):
        if finding.estimated_hours:
            lot.clause_hours = finding.estimated_hours
        else:
            lot.has_employment_condition = True
    elif kind == FindingKind.RESERVATION:
        lot.reservation_kind = finding.proposal.get("reservation_kind") or ReservationKind.SIAE
    elif kind == FindingKind.AWARD_CRITERION:
        lot.social_award_criterion = True
    elif kind == FindingKind.ALLOTMENT and finding.proposal.get("method") == "optimiseur":
        _allot(lot, finding)
        lot.refresh_from_db()
    elif kind == FindingKind.ALLOTMENT:
        lot.territorial_split = finding.proposal.get("after", [])
    elif kind == FindingKind.CARVE_OUT:
        _carve_out(lot, finding)
    lot.save()
    finding.status = FindingStatus.ACCEPTED
    finding.decided_by = user
    finding.decided_at = timezone.now()
    finding.rejection_reason = ""
    finding.save()
    return finding


def _allot(lot, finding):
    """Create the territorial lots of the optimiser's proposal, with their sites and measures."""
    # lazy: allotment_supply loads HiGHS (highspy, 0.26 s of imports); not needed at start-up
    from dentelle.purchases.allotment_supply import hours_per_euro

    lots = create_allotted_lots(
        lot,
        finding.proposal["optimiser"],
        hours_per_euro(lot.cpv_code, rules_for(_organisation_of(lot.operation)), lot=lot),
    )
    finding.proposal = {**finding.proposal, "created_lots": [created.pk for created in lots]}


def _carve_out(lot, finding):
    """Create the separate reserved lot from the line item (Aubervilliers: the planting lot)."""
    proposal = finding.proposal
    operation = lot.operation
    item = LineItem.objects.filter(operation=operation, reference=proposal.get("line_item")).first()
    numbers = set(operation.lots.values_list("number", flat=True))
    number = f"D{proposal.get('line_item', '')}"[:20]
    while number in numbers:
        number += "b"
    procedure = proposal.get("procedure", "")
    new_lot = Lot.objects.create(
        operation=operation,
        number=number,
        title=proposal.get("title") or (item.description if item else "Lot détaché"),
        cpv_code=proposal.get("cpv", ""),
        estimated_amount=item.amount if item else proposal.get("amount"),
        place_text=lot.place_text,
        place_kind=lot.place_kind,
        place_code=lot.place_code,
        department_codes=lot.department_codes,
        region_code=lot.region_code,
        procedure=procedure if procedure in Procedure.values else "",
        reservation_kind=proposal.get("reservation_kind", ReservationKind.SIAE),
        duration_months=lot.duration_months,
    )
    if item is not None:
        item.carved_out_lot = new_lot
        item.save(update_fields=["carved_out_lot", "updated_at"])
        if lot.estimated_amount and lot.estimated_amount >= item.amount:
            lot.estimated_amount -= item.amount
    finding.proposal = {**proposal, "created_lot": new_lot.pk}


@transaction.atomic
def reject_finding(finding, user, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Un motif est obligatoire pour rejeter une proposition.")
    finding.status = FindingStatus.REJECTED
    finding.decided_by = user
    finding.decided_at = timezone.now()
    finding.rejection_reason = reason
    finding.save()
    return finding
