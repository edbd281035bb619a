"""API of the SIAE directory: list (same filters as the page), detail (the supply coverage under the
same prefix: matching/api_coverage.py)."""

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from config.api_errors import errors
from dentelle.core.api_checks import page_headers
from dentelle.core.audit import log_access
from dentelle.siaes.access import can_see_siae_contacts
from dentelle.siaes.models import Siae
from dentelle.siaes.search import ResultPages, SearchParams, search_siaes

router = Router(tags=["annuaire des SIAE"])
MAX_LIMIT = 200
# Paging is clamped here (not only by config.api_guard): beyond these the ORM or the driver raises.
MAX_OFFSET = 10**9
MAX_ID = 2**63 - 1


class SiaeFilters(Schema):
    q: str = ""
    kind: list[str] = []
    cpv: str = ""
    place: str = ""
    radius_km: int = 0
    department: str = ""
    region: str = ""
    serving: bool = False
    service_kind: str = ""
    capacity: str = ""
    inactive: bool = False
    limit: int = Field(
        50,
        ge=1,
        le=MAX_ID,
        description=f"De 1 à {MAX_LIMIT} (au-delà, ramené à {MAX_LIMIT} : le champ « limit » de la réponse et "
        "l'en-tête X-Limit donnent la limite appliquée)",
    )
    offset: int = Field(0, ge=0, le=MAX_ID)


class CompetenceOut(Schema):
    cpv_prefix: str
    origin: str
    rationale: str


class SiaeBrief(Schema):
    id: int
    siret: str
    name: str
    brand: str
    kind: str
    is_active: bool
    city: str
    commune_insee_code: str
    department_code: str
    region_code: str
    latitude: float | None
    longitude: float | None
    service_kinds: list[str]
    competences: list[str]


class SiaePage(Schema):
    count: int
    limit: int
    offset: int
    notes: list[str]
    results: list[SiaeBrief]


class CapacityOut(Schema):
    metric: str
    value: float
    source: str
    as_of: str


class AreaOut(Schema):
    kind: str
    code: str
    radius_km: int | None
    origin: str


class ContactOut(Schema):
    name: str
    role: str
    email: str
    phone: str


class WonContractOut(Schema):
    decp_id: str
    buyer_name: str
    object: str
    cpv_code: str
    amount: float | None
    date: str | None


# A result of the list and the rest of the record (its competences with their origin and rationale).
class SiaeDetail(SiaeBrief):
    siren: str
    kind_label: str
    kinds: list[str]
    reservation_bases: list[str]
    reservation_note: str
    legal_form: str
    naf: str
    address: str
    postcode: str
    website: str
    competences: list[CompetenceOut]
    capacities: list[CapacityOut]
    service_areas: list[AreaOut]
    won_contracts: list[WonContractOut]
    contacts: list[ContactOut] | None
    provenance: dict
    edited_fields: list[str]


def brief(siae):
    return {
        **{
            name: getattr(siae, name)
            for name in SiaeBrief.model_fields
            if name not in ("service_kinds", "competences")
        },
        "service_kinds": [str(k) for k in siae.service_kinds],
        "competences": sorted({c.cpv_prefix for c in siae.competences.all()}),
    }


@router.get("/", response=SiaePage, summary="Rechercher des structures (mêmes filtres que l'annuaire)")
def list_siaes(request, response: HttpResponse, filters: Query[SiaeFilters]):
    data = QueryDict(mutable=True)
    for key, value in filters.dict().items():
        if key == "kind":
            data.setlist("kind", value)
        elif isinstance(value, bool):
            data[key] = "1" if value else ""
        else:
            data[key] = str(value)
    result = search_siaes(SearchParams.from_mapping(data))
    limit, offset = max(1, min(filters.limit, MAX_LIMIT)), max(0, min(filters.offset, MAX_OFFSET))
    pages = ResultPages(result.queryset, prefetch=["competences"])
    rows = pages[offset : offset + limit]
    page_headers(response, pages.count(), limit)
    return {
        "count": pages.count(),
        "limit": limit,
        "offset": offset,
        "notes": result.notes,
        "results": [brief(s) for s in rows],
    }


@router.get("/{int:siae_id}", response={200: SiaeDetail, **errors(404)}, summary="Fiche d'une structure")
def detail(request, siae_id: int):
    if not 0 <= siae_id <= MAX_ID:
        raise Http404("Structure inconnue")
    siae = get_object_or_404(Siae.objects.prefetch_related("competences", "conventions"), pk=siae_id)
    show_contacts = can_see_siae_contacts(request.user, siae)  # staff, and the structure's own members
    if show_contacts:
        log_access(request.user, "voir contacts (API)", siae)
    return {
        **brief(siae),
        "siren": siae.siren,
        "kind_label": siae.get_kind_display(),
        "kinds": siae.kinds,
        "reservation_bases": [b.article for b in siae.reservation_bases],
        "reservation_note": siae.reservation_note,
        "legal_form": siae.legal_form,
        "naf": siae.naf,
        "address": siae.address,
        "postcode": siae.postcode,
        "website": siae.website,
        "competences": [
            {"cpv_prefix": c.cpv_prefix, "origin": c.origin, "rationale": c.rationale}
            for c in siae.competences.all()
        ],
        "capacities": [
            {"metric": c.metric, "value": float(c.value), "source": c.source, "as_of": c.as_of.isoformat()}
            for c in siae.capacities.all()
        ],
        "service_areas": [
            {"kind": a.kind, "code": a.code, "radius_km": a.radius_km, "origin": a.origin}
            for a in siae.service_areas.all()
        ],
        "won_contracts": [
            {
                "decp_id": w.decp_id,
                "buyer_name": w.buyer_name,
                "object": w.object,
                "cpv_code": w.cpv_code,
                "amount": float(w.amount) if w.amount is not None else None,
                "date": w.date.isoformat() if w.date else None,
            }
            for w in siae.won_contracts.all()
        ],
        "contacts": [
            {"name": c.name, "role": c.role, "email": c.email, "phone": c.phone} for c in siae.contacts.all()
        ]
        if show_contacts
        else None,
        "provenance": siae.provenance,
        "edited_fields": siae.edited_fields,
    }
