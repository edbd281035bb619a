"""API of the insertion app: same permissions as the pages (dentelle.core.permissions)."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import WithJsonSchema

from config.api_errors import MAX_INT, errors
from dentelle.core.api_checks import page_headers, refused_as, require_role
from dentelle.core.audit import log_access
from dentelle.core.permissions import (
    CAN_DECLARE_HOURS,
    CAN_SEE_PROGRESS,
    CAN_VALIDATE_DECLARATIONS,
    can_see_beneficiaries,
)
from dentelle.insertion import declarations as service
from dentelle.insertion.clauses import clause_wording
from dentelle.insertion.dashboard import cached_progress
from dentelle.insertion.enums import FulfilmentMode
from dentelle.insertion.importer import MAX_HOURS_PER_MONTH
from dentelle.insertion.models import Beneficiary, Contract, HoursDeclaration
from dentelle.insertion.permissions import organisation_of, visible_contracts
from dentelle.insertion.report import build_report
from dentelle.insertion.views import YEARS, contract_facts

router = Router(tags=["suivi des heures d'insertion"])
FIRST_YEAR, LAST_YEAR = 2000, 2100  # insertion.views.YEARS, as the schema states it
MAX_DECLARATIONS = 2000  # the most declarations one answer carries
YEAR = Query(None, ge=FIRST_YEAR, le=LAST_YEAR, description=f"Année, de {FIRST_YEAR} à {LAST_YEAR}")
# A date whose year is within the years above (the pattern says it; the format alone admits year 1 to 9999).
DateInYears = Annotated[
    date,
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": r"^(20\d\d|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$",
        }
    ),
]


def _organisation(request, roles=CAN_SEE_PROGRESS):
    require_role(request, roles)
    try:
        return organisation_of(request.user)
    except Http404 as exc:
        raise HttpError(404, "Aucune organisation rattachée à votre compte.") from exc


def _check_year(year):
    if year is not None and year not in YEARS:
        raise HttpError(400, f"Année attendue entre {YEARS.start} et {YEARS.stop - 1}.")


@router.get(
    "/progress",
    response={200: dict, **errors(403, 404)},
    summary="Avancement vers l'objectif annuel (réalisé, engagé, en projet, projection)",
)
def progress(request, year: int | None = YEAR, as_of: DateInYears | None = None):
    organisation = _organisation(request)
    _check_year(year)
    _check_year(as_of.year if as_of else None)
    return cached_progress(organisation, year, as_of).as_dict()


class ContractOut(Schema):
    id: int
    reference: str
    title: str
    holder_siret: str
    holder_name: str
    start_date: date
    end_date: date
    amount: Decimal
    required_hours: Decimal
    reservation_kind: str
    department_code: str
    trade_family: str
    buyer_service: str | None
    lot_id: int | None


@router.get(
    "/contracts",
    response={200: list[ContractOut], **errors(403, 404)},
    summary="Marchés avec clause de l'organisation",
)
def contracts(request):
    organisation = _organisation(request)
    rows = visible_contracts(request.user, organisation).select_related("buyer_service").order_by("reference")
    return [
        {
            **{f: getattr(c, f) for f in ContractOut.model_fields if f not in {"buyer_service"}},
            "buyer_service": c.buyer_service.code if c.buyer_service else None,
        }
        for c in rows
    ]


@router.get(
    "/contracts/{contract_id}/clause",
    response={200: dict, **errors(403, 404)},
    summary="Texte de la clause sociale du marché, prêt à coller",
)
def contract_clause(request, contract_id: int):
    organisation = _organisation(request)
    contract = get_object_or_404(visible_contracts(request.user, organisation), pk=contract_id)
    wording = clause_wording(contract_facts(contract))
    return {"text": wording.text, "complete": wording.complete, "missing": wording.missing}


@router.get(
    "/report/{year}",
    response={200: dict, **errors(403, 404)},
    summary="Bilan annuel (agrégats, sans donnée personnelle)",
)
def report(request, year: int = Path(..., ge=FIRST_YEAR, le=LAST_YEAR)):
    _check_year(year)
    organisation = _organisation(request)
    data = build_report(organisation, year)
    return {
        "year": year,
        "summary": [{"label": label, "value": value} for label, value in data.summary],
        "tables": [{"title": t, "header": h, "rows": r} for t, h, r in data.tables],
    }


class DeclarationOut(Schema):
    id: int
    contract: str
    month: date
    fulfilment_mode: str
    beneficiary: str | None
    hours: Decimal
    status: str
    version: int
    supersedes_id: int | None
    superseded: bool


def _declaration_out(d, show_beneficiary):
    return {
        "id": d.pk,
        "contract": d.contract.reference,
        "month": d.month,
        "fulfilment_mode": d.fulfilment_mode,
        "beneficiary": d.beneficiary.pseudonym if show_beneficiary else None,
        "hours": d.hours,
        "status": d.status,
        "version": d.version,
        "supersedes_id": d.supersedes_id,
        "superseded": d.superseded_at is not None,
    }


@router.get(
    "/declarations",
    response={200: list[DeclarationOut], **errors(403, 404)},
    summary="Déclarations d'heures (identifiant du bénéficiaire réservé aux facilitateurs et à la direction)",
)
def declarations(
    request,
    response: HttpResponse,
    contract_id: int | None = Query(None, ge=0, le=MAX_INT),
    year: int | None = YEAR,
    limit: int = Query(
        500,
        ge=0,
        le=MAX_INT,
        description=f"De 0 à {MAX_DECLARATIONS} (au-delà, ramené à {MAX_DECLARATIONS} : voir l'en-tête X-Limit "
        "de la réponse ; X-Total-Count donne le nombre de déclarations au total)",
    ),
    offset: int = Query(0, ge=0, le=MAX_INT),
):
    organisation = _organisation(request)
    rows = HoursDeclaration.objects.filter(
        contract__in=visible_contracts(request.user, organisation)
    ).select_related("contract", "beneficiary")
    if contract_id:
        rows = rows.filter(contract_id=contract_id)
    if year:
        _check_year(year)
        rows = rows.filter(month__gte=date(year, 1, 1), month__lte=date(year, 12, 31))
    offset, limit = max(offset, 0), max(min(limit, MAX_DECLARATIONS), 0)  # (a negative slice: server error)
    page_headers(response, rows.count(), limit)
    rows = rows.order_by("-month", "pk")[offset : offset + limit]
    show = can_see_beneficiaries(request.user)
    if show:
        log_access(request.user, "api_declarations", object_type="insertion.Beneficiary", object_id="*")
    return [_declaration_out(d, show) for d in rows]


class DeclarationIn(Schema):
    contract_id: int
    month: date
    fulfilment_mode: FulfilmentMode
    beneficiary: str
    hours: Annotated[
        Decimal,
        WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": float(MAX_HOURS_PER_MONTH)}),
    ] = Field(
        gt=0, le=MAX_HOURS_PER_MONTH, description=f"Heures du mois, de 0 exclu à {MAX_HOURS_PER_MONTH} h"
    )
    comment: str = Field("", max_length=300)


@router.post(
    "/declarations",
    response={201: DeclarationOut, **errors(403, 404)},
    summary="Déclarer des heures (brouillon à valider)",
)
def create_declaration(request, payload: DeclarationIn):
    organisation = _organisation(request, CAN_DECLARE_HOURS)
    contract = get_object_or_404(Contract, pk=payload.contract_id, organisation=organisation)
    beneficiary = Beneficiary.objects.filter(organisation=organisation, pseudonym=payload.beneficiary).first()
    if beneficiary is None:
        raise HttpError(422, "Bénéficiaire inconnu.")
    if payload.hours <= 0:
        raise HttpError(422, "Le nombre d'heures doit être positif.")
    with refused_as(422):
        declaration = service.declare(
            contract=contract,
            month=payload.month,
            fulfilment_mode=payload.fulfilment_mode,
            beneficiary=beneficiary,
            hours=payload.hours,
            user=request.user,
            comment=payload.comment,
        )
    log_access(request.user, "api_declaration", beneficiary)
    return Status(201, _declaration_out(declaration, True))


@router.post(
    "/declarations/{declaration_id}/validate",
    response={200: DeclarationOut, **errors(403, 404)},
    summary="Valider une déclaration",
)
def validate_declaration(request, declaration_id: int):
    organisation = _organisation(request, CAN_VALIDATE_DECLARATIONS)
    declaration = get_object_or_404(HoursDeclaration, pk=declaration_id, contract__organisation=organisation)
    with refused_as(422):
        declaration = service.validate(declaration, user=request.user)
    return _declaration_out(declaration, True)
