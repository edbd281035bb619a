"""API of the matching: same permissions as the pages (dentelle.core.permissions)."""

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from config.api_errors import errors
from dentelle.core.api_checks import refused_as, require_role
from dentelle.core.validators import normalise_cpv
from dentelle.matching.answers import answer_refusal, record_answer
from dentelle.matching.description import LotDescription
from dentelle.matching.models import LotResponse, ResponseKind
from dentelle.matching.permissions import STAFF_ROLES, can_see_opportunities, is_member_of
from dentelle.matching.services import open_opportunities, ranked_structures
from dentelle.purchases.models import Lot
from dentelle.purchases.permissions import can_see_lot
from dentelle.siaes.models import Siae

router = Router(tags=["mise en relation"])


class CriterionOut(Schema):
    criterion: str
    label: str
    value: float
    weight: float
    reasons: list[str]


class RankedOut(Schema):
    rank: int | None
    id: int
    siret: str
    name: str
    kind: str
    department: str
    score: float
    eligible: bool
    distance_km: float | None
    coverage: float | None
    blocking: list[str]
    criteria: list[CriterionOut]


class PlaceOut(Schema):
    kind: str
    code: str
    name: str


class RankingOut(Schema):
    able_count: int
    eligible_count: int
    total: int
    cpv_codes: list[str]
    place: PlaceOut | None
    annual_amount: float | None
    mode: str
    reservation_kind: str
    min_score: float
    weights_version: str
    warnings: list[str] = Field(
        default_factory=list,
        description="Avertissements sur le lot (ex. montant élevé : envisager l'allotissement)",
    )
    items: list[RankedOut]


class CriteriaIn(Schema):
    cpv: str = Field(pattern=r"^\d{8}(-?\d)?$", description="Code CPV : 77310000, 77310000-6 ou 773100006")
    place: str = ""
    amount: float | None = None
    text: str = ""
    nature: str = "services"
    reservation: str = ""
    top: int = Field(10, ge=1, le=200)


class OpportunityOut(Schema):
    lot_id: int
    lot_title: str
    operation_title: str
    place: str
    estimated_amount: float | None
    score: float
    criteria: list[CriterionOut]


class ResponseIn(Schema):
    siae_id: int
    kind: ResponseKind
    reason: str = ""
    partners: str = ""


class ResponseOut(Schema):
    siae_id: int
    siae_name: str
    kind: str
    kind_label: str
    reason: str
    partners: str
    updated_at: str


def _lot_for(request, pk):
    lot = get_object_or_404(Lot.objects.select_related("operation__buyer_service"), pk=pk)
    if not can_see_lot(request.user, lot):
        raise HttpError(403, "Ce lot n'est pas visible avec votre rôle.")
    return lot


@router.get(
    "/lots/{lot_id}/structures",
    response={200: RankingOut, **errors(403, 404)},
    summary="Structures classées pour un lot",
)
def lot_structures(request, lot_id: int, top: int = Query(20, ge=1, le=200)):
    return ranked_structures(_lot_for(request, lot_id), top=max(1, min(top, 200)))


@router.get(
    "/search",
    response={200: RankingOut, **errors(403)},
    summary="Structures classées pour des critères libres",
)
def search(request, criteria: Query[CriteriaIn]):
    require_role(request, STAFF_ROLES)
    try:
        code = normalise_cpv(criteria.cpv)
    except ValueError:
        raise HttpError(422, "Code CPV mal formé : 8 chiffres attendus.") from None
    facts = LotDescription(
        cpv_codes=[code],
        annual_amount=criteria.amount,
        place_text=criteria.place,
        nature=criteria.nature,
        reservation_kind=criteria.reservation,
        text=criteria.text,
    )
    return ranked_structures(facts, top=max(1, min(criteria.top, 200)))


@router.get(
    "/structures/{siae_id}/opportunities",
    response={200: list[OpportunityOut], **errors(403, 404)},
    summary="Lots ouverts classés pour une structure",
)
def structure_opportunities(request, siae_id: int, top: int = Query(20, ge=1, le=100)):
    siae = get_object_or_404(Siae, pk=siae_id)
    if not can_see_opportunities(request.user, siae):
        raise HttpError(403, "Ces opportunités ne sont visibles que de la structure et des agents.")
    return [
        {
            "lot_id": lot.pk,
            "lot_title": lot.title,
            "operation_title": lot.operation.title,
            "place": lot.place_text,
            "estimated_amount": float(lot.estimated_amount) if lot.estimated_amount else None,
            "score": item["score"],
            "criteria": item["criteria"],
        }
        for lot, item in open_opportunities(siae, top=max(1, min(top, 100)))
    ]


def _response_out(response):
    return {
        "siae_id": response.siae_id,
        "siae_name": response.siae.display_name,
        "kind": response.kind,
        "kind_label": response.get_kind_display(),
        "reason": response.reason,
        "partners": response.partners,
        "updated_at": response.updated_at.isoformat(),
    }


@router.get(
    "/lots/{lot_id}/responses",
    response={200: list[ResponseOut], **errors(403, 404)},
    summary="Réponses des structures à un lot",
)
def lot_responses(request, lot_id: int):
    lot = _lot_for(request, lot_id)
    return [_response_out(r) for r in LotResponse.objects.filter(lot=lot).select_related("siae")]


@router.post(
    "/lots/{lot_id}/responses",
    response={200: ResponseOut, **errors(403, 404)},
    summary="Répondre à un lot (membre de la structure)",
)
def answer_lot(request, lot_id: int, payload: ResponseIn):
    user = request.user
    if not is_member_of(user, payload.siae_id):
        raise HttpError(403, "Seul un membre de la structure peut répondre pour elle.")
    if payload.kind not in ResponseKind.values:
        raise HttpError(422, f"Réponse inconnue : {payload.kind!r} ({', '.join(ResponseKind.values)}).")
    if payload.kind == ResponseKind.NOT_INTERESTED and not payload.reason.strip():
        raise HttpError(422, "Indiquez le motif quand la structure n'est pas intéressée.")
    lot = get_object_or_404(Lot.objects.select_related("operation"), pk=lot_id)
    refusal = answer_refusal(lot, user.siae)
    if refusal:
        raise HttpError(404, refusal)
    with refused_as(403):
        response = record_answer(
            lot, user.siae, kind=payload.kind, reason=payload.reason, partners=payload.partners, user=user
        )
    return _response_out(response)
