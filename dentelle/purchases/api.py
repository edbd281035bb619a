"""API of the purchases app: plans, operations, lots, findings (decide). Same permissions as the pages."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from config.api_errors import errors
from dentelle.core.api_checks import page_headers, refused_as, require_role
from dentelle.core.importing import ImportReport
from dentelle.core.permissions import CAN_DECIDE_FINDINGS, CAN_EDIT_PLANS, CAN_SEE_PROGRESS
from dentelle.purchases.allotment_sites import allot_lot, proposal_dict
from dentelle.purchases.paging import (
    MAX_ID,
    MAX_LIMIT,
    MAX_OFFSET,
    PAGING_HELP,
    check_ids,
    id_or_none,
    page_bounds,
)
from dentelle.purchases.permissions import visible_findings, visible_lots, visible_operations, visible_plans
from dentelle.purchases.queries import finding_dict, plan_report
from dentelle.purchases.services import accept_finding, reject_finding
from dentelle.purchases.sitefile import rows_from_records

router = Router(tags=["programmation des achats"])


class PlanOut(Schema):
    id: int
    name: str
    year: int
    organisation: str
    source_file: str


class OperationOut(Schema):
    id: int
    plan_id: int | None
    reference: str
    title: str
    nature: str
    service: str
    estimated_amount: Decimal | None
    duration_months: int | None
    planned_launch_date: date | None
    status: str


class LotOut(Schema):
    id: int
    operation_id: int
    number: str
    title: str
    cpv_code: str
    additional_cpv_codes: list[str]
    estimated_amount: Decimal | None
    annual_amount: Decimal | None
    place_text: str
    place_kind: str
    place_code: str
    department_codes: list[str]
    procedure: str
    clause_hours: int | None
    reservation_kind: str
    social_award_criterion: bool
    insertion_market: bool
    obligation_exception_code: str


class FindingOut(Schema):
    id: int
    lot_id: int
    rule: str
    kind: str
    subject: str
    estimated_hours: int | None
    reasons: list[str]
    legal_basis: str
    figures: dict = Field(
        description=(
            "Chiffres utilisés, chacun avec sa source : "
            '`{"eu_threshold": {"value": "5404000", "source": "…"}}` (clés en anglais ; '
            '`"assumed": true` signale une hypothèse plutôt qu\'une donnée)'
        )
    )
    proposal: dict
    parameter_versions: dict
    status: str
    is_current: bool
    decided_by: str | None
    decided_at: datetime | None
    rejection_reason: str


# Query parameters as the paging and id checks accept them (paging.py): beyond, a French 400.
LIMIT = Query(
    200,
    ge=1,
    le=MAX_ID,
    description=f"De 1 à {MAX_LIMIT} (au-delà, ramené à {MAX_LIMIT} : voir l'en-tête X-Limit de la réponse)",
)
OFFSET = Query(0, ge=0, le=MAX_OFFSET)
ID_FILTER = Query(None, ge=0, le=MAX_ID)


class DecisionIn(Schema):
    decision: Literal["accept", "reject"]
    reason: str = ""


def _listing(request, limit, offset, **ids):
    """What a listing checks first: the role to see plans, then its paging and its identifier filters
    (paging.py: a French 400 out of bounds). Returns the slice's (start, stop)."""
    require_role(request, CAN_SEE_PROGRESS)
    bounds = page_bounds(limit, offset)
    check_ids(**ids)
    return bounds


def _page(response, rows, start, stop):
    """The slice of ``rows`` served, with its headers (core.api_checks.page_headers: total and limit)."""
    page_headers(response, rows.count(), stop - start)
    return rows[start:stop]


def _filtered(queryset, **lookups):
    """``queryset`` narrowed by each lookup given a value (None, or an empty text: that filter is not used)."""
    return queryset.filter(**{lookup: value for lookup, value in lookups.items() if value not in (None, "")})


def _plan_out(plan):
    return {
        "id": plan.pk,
        "name": plan.name,
        "year": plan.year,
        "organisation": str(plan.organisation),
        "source_file": plan.source_file,
    }


def _operation_out(op):
    return {
        "id": op.pk,
        "plan_id": op.plan_id,
        "reference": op.reference,
        "title": op.title,
        "nature": op.nature,
        "service": op.buyer_service.code or op.buyer_service.name,
        "estimated_amount": op.estimated_amount,
        "duration_months": op.duration_months,
        "planned_launch_date": op.planned_launch_date,
        "status": op.status,
    }


def _finding_out(finding):
    data = finding_dict(finding)
    data.update(
        lot_id=finding.lot_id,
        figures=finding.figures,
        proposal=finding.proposal,
        parameter_versions=finding.parameter_versions,
        decided_by=finding.decided_by.get_username() if finding.decided_by else None,
        decided_at=finding.decided_at,
    )
    return data


@router.get("/plans", response={200: list[PlanOut], **errors(403)}, summary="Programmations visibles")
def list_plans(request):
    require_role(request, CAN_SEE_PROGRESS)
    return [_plan_out(p) for p in visible_plans(request.user).select_related("organisation")]


@router.get(
    "/plans/{plan_id}/report",
    response={200: dict, **errors(403, 404)},
    summary="Rapport de balayage (summary + lots[] + findings[])",
)
def plan_report_api(request, plan_id: int):
    require_role(request, CAN_SEE_PROGRESS)
    plan = get_object_or_404(visible_plans(request.user), pk=id_or_none(plan_id))
    report = plan_report(plan, request.user)
    for entry in report["lots"]:
        entry.pop("all_findings", None)
    return report


@router.get(
    "/operations",
    response={200: list[OperationOut], **errors(403)},
    summary="Opérations d'achat (filtre : programmation)",
    description=PAGING_HELP,
)
def list_operations(
    request, response: HttpResponse, plan_id: int | None = ID_FILTER, limit: int = LIMIT, offset: int = OFFSET
):
    start, stop = _listing(request, limit, offset, plan_id=plan_id)
    operations = visible_operations(request.user).select_related("buyer_service").order_by("reference")
    operations = _filtered(operations, plan_id=plan_id)
    return [_operation_out(op) for op in _page(response, operations, start, stop)]


@router.get(
    "/lots",
    response={200: list[LotOut], **errors(403)},
    summary="Lots (filtres : programmation, opération)",
    description=PAGING_HELP,
)
def list_lots(
    request,
    response: HttpResponse,
    plan_id: int | None = ID_FILTER,
    operation_id: int | None = ID_FILTER,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    start, stop = _listing(request, limit, offset, plan_id=plan_id, operation_id=operation_id)
    lots = visible_lots(request.user).order_by("operation_id", "number")
    lots = _filtered(lots, operation__plan_id=plan_id, operation_id=operation_id)
    return list(_page(response, lots, start, stop))


@router.get("/lots/{lot_id}", response={200: LotOut, **errors(403, 404)}, summary="Un lot")
def get_lot(request, lot_id: int):
    require_role(request, CAN_SEE_PROGRESS)
    return get_object_or_404(visible_lots(request.user), pk=id_or_none(lot_id))


class SiteOut(Schema):
    id: int
    lot_id: int | None
    operation_id: int
    name: str
    address: str
    commune_code: str
    commune_name: str
    department: str
    latitude: float
    longitude: float
    amount: Decimal | None = Field(None, description="€ HT par an")
    weight: float | None
    group: str


@router.get(
    "/lots/{lot_id}/sites",
    response={200: list[SiteOut], **errors(403, 404)},
    summary="Sites d'un lot multi-sites (allotissement fin)",
    description=PAGING_HELP,
)
def lot_sites(request, response: HttpResponse, lot_id: int, limit: int = LIMIT, offset: int = OFFSET):
    start, stop = _listing(request, limit, offset)
    lot = get_object_or_404(visible_lots(request.user), pk=id_or_none(lot_id))
    return list(_page(response, lot.sites.order_by("id"), start, stop))


@router.get(
    "/findings",
    response={200: list[FindingOut], **errors(403)},
    summary="Propositions du balayage (filtres : lot, type, statut)",
    description=PAGING_HELP,
)
def list_findings(
    request,
    response: HttpResponse,
    lot_id: int | None = ID_FILTER,
    plan_id: int | None = ID_FILTER,
    kind: str | None = None,
    status: str | None = None,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    start, stop = _listing(request, limit, offset, lot_id=lot_id, plan_id=plan_id)
    findings = (
        visible_findings(request.user).select_related("decided_by").order_by("lot_id", "rule_id", "subject")
    )
    findings = _filtered(findings, lot_id=lot_id, lot__operation__plan_id=plan_id, kind=kind, status=status)
    return [_finding_out(f) for f in _page(response, findings, start, stop)]


@router.post(
    "/findings/{finding_id}/decision",
    response={200: FindingOut, **errors(403, 404)},
    summary="Accepter ou rejeter une proposition (motif obligatoire pour rejeter)",
)
def decide_finding(request, finding_id: int, payload: DecisionIn):
    require_role(request, CAN_DECIDE_FINDINGS)
    finding = get_object_or_404(visible_findings(request.user), pk=id_or_none(finding_id))
    if payload.decision == "accept":
        finding = accept_finding(finding, request.user)
    elif payload.decision == "reject":
        with refused_as(400):
            finding = reject_finding(finding, request.user, payload.reason)
    else:
        raise HttpError(400, "Décision attendue : « accept » ou « reject ».")
    return _finding_out(finding)


class AllotmentIn(Schema):
    """Sites (same fields as a site file: site, commune, adresse, latitude, longitude, montant, poids,
    groupe) and the officer's limits; see docs/plan-format.md §4 and docs/adr/0008."""

    sites: list[dict] = Field(min_length=1, max_length=5000)
    cpv: str = "77310000"
    amount: float | None = None
    min_lots: int = 1
    max_lots: int = 8
    min_lot_amount: float = 0.0
    max_lot_amount: float | None = None
    max_km: float | None = None
    same_unit: Literal["", "department", "ept", "epci"] = ""
    radius_km: float = 30.0
    time_limit: float = Field(10.0, gt=0, le=60)


@router.post(
    "/allotment",
    response={200: dict, **errors(400, 403)},
    summary="Allotissement fin d'un marché multi-sites (optimiseur HiGHS et découpage par département)",
)
def allotment_api(request, payload: AllotmentIn):
    # lazy: allotment_supply loads HiGHS (highspy, 0.26 s of imports); not needed at start-up
    from dentelle.purchases.allotment_supply import propose, resolver

    require_role(request, CAN_EDIT_PLANS)
    report = ImportReport(source="API")
    rows = rows_from_records(list(enumerate(payload.sites, start=1)), report, resolver())
    if not report.ok:
        raise HttpError(400, "Sites refusés : " + " ; ".join(str(p) for p in report.errors[:20]))
    limits = payload.model_dump(exclude={"sites", "cpv", "amount"})
    params, sites, structures, best, base = propose(rows, payload.cpv, amount=payload.amount, **limits)
    return {
        "sites": len(sites),
        "able_structures": len(structures),
        "optimiser": best.as_dict(params),
        "baseline": base.as_dict(params),
    }


class LotAllotmentIn(Schema):
    """The officer's limits for a stored lot's sites (blank: the lot page's defaults, docs/adr/0008)."""

    min_lots: int | None = Field(None, ge=1, le=30)
    max_lots: int | None = Field(None, ge=1, le=30)
    min_lot_amount: float | None = Field(None, ge=0)
    max_lot_amount: float | None = Field(None, gt=0)
    max_km: float | None = Field(None, ge=1, le=300)
    same_unit: Literal["", "department", "ept", "epci"] = ""
    radius_km: float | None = Field(None, ge=1, le=100)
    min_able: int | None = Field(None, ge=1, le=20)
    time_limit: float = Field(5.0, gt=0, le=30)


@router.post(
    "/lots/{lot_id}/allotment",
    response={200: dict, **errors(400, 403, 404)},
    summary="Allotissement fin d'un lot enregistré avec ses sites (optimiseur et découpage par département)",
)
def lot_allotment_api(request, lot_id: int, payload: LotAllotmentIn):
    require_role(request, CAN_EDIT_PLANS)
    lot = get_object_or_404(
        visible_lots(request.user).select_related("operation__buyer_service__organisation"),
        pk=id_or_none(lot_id),
    )
    if not lot.sites.exists():
        raise HttpError(
            400, "Ce lot n'a aucun site : donnez-les sur la page du lot ou dans la programmation."
        )
    limits = {k: v for k, v in payload.model_dump().items() if v not in (None, "")}
    params, sites, structures, best, base = allot_lot(lot, **limits)
    return {"lot_id": lot.pk, "sites": len(sites), **proposal_dict(params, structures, best, base)}
