"""API of the referentials: CPV lookup and search, place resolution, communes, load status."""

from datetime import datetime

from django.http import Http404, HttpResponse
from ninja import Query, Router, Schema, Status

from config.api_errors import errors
from dentelle.core.api_checks import page_headers
from dentelle.referentials.index import get_index
from dentelle.referentials.places import resolve_place
from dentelle.referentials.status import referential_status

MAX_CPV_RESULTS = 200
router = Router(tags=["référentiels"])


class CpvBrief(Schema):
    code: str
    full_code: str
    label_fr: str
    level: str


class CpvOut(CpvBrief):
    label_en: str
    parent: str | None
    ancestors: list[CpvBrief]
    children: list[CpvBrief]


class PlaceOut(Schema):
    kind: str
    kind_label: str
    code: str
    name: str
    department_code: str | None
    region_code: str | None
    latitude: float | None
    longitude: float | None
    commune_codes: list[str]


class PlaceQuery(Schema):
    q: str
    code: str | None = None
    code_type: str | None = None


class CommuneOut(Schema):
    insee_code: str
    name: str
    kind: str
    department_code: str
    department_name: str | None
    region_code: str
    region_name: str | None
    postcodes: list[str]
    population: int | None
    epci_siren: str | None
    ept_siren: str | None
    latitude: float | None
    longitude: float | None


class StatusOut(Schema):
    key: str
    label: str
    count: int
    version: str
    loaded_at: datetime | None


def _brief(info):
    return {"code": info.code, "full_code": info.full_code, "label_fr": info.label_fr, "level": info.level}


@router.get(
    "/cpv/{code}",
    response={200: CpvOut, **errors(404)},
    summary="Un code CPV : libellés, niveau, parents et enfants",
)
def cpv_detail(request, code: str):
    """Le code s'écrit `77310000`, `77310000-6` ou `773100006`."""
    index = get_index()
    info = index.cpv(code)
    if info is None:
        raise Http404(f"Code CPV inconnu : {code}")
    return {
        **_brief(info),
        "label_en": info.label_en,
        "parent": info.parent,
        "ancestors": [_brief(index.cpv(c)) for c in index.cpv_ancestors(info.code)],
        "children": [_brief(index.cpv(c)) for c in index.cpv_children(info.code)],
    }


@router.get("/cpv", response=list[CpvBrief], summary="Chercher des codes CPV par code ou par mots du libellé")
def cpv_search(
    request,
    response: HttpResponse,
    q: str,
    limit: int = Query(
        20,
        description=f"De 1 à {MAX_CPV_RESULTS} (au-delà, ramené à {MAX_CPV_RESULTS} : voir l'en-tête X-Limit)",
    ),
):
    """Recherche insensible aux accents et à la casse ; un début de code (`7731`) liste les codes qui commencent ainsi."""
    matches = get_index().search_cpv(q, limit=None)
    applied = max(1, min(limit, MAX_CPV_RESULTS))
    page_headers(response, len(matches), applied)
    return [_brief(info) for info in matches[:applied]]


@router.get(
    "/places/resolve",
    response={200: PlaceOut, **errors(404)},
    summary="Trouver le territoire désigné par un lieu d'exécution",
)
def place_resolve(request, query: Query[PlaceQuery]):
    """Exemples : `Ville de Gennevilliers`, `93`, `75013 Paris`, `Département des Yvelines`, `France entière`.
    `code` : code associé (postal, INSEE, département…) ; `code_type` : type de code tel qu'écrit dans les DECP."""
    place = resolve_place(query.q, code=query.code, code_kind_text=query.code_type)
    if place is None:
        return Status(404, {"detail": f"Aucun territoire trouvé pour « {query.q} »."})
    return Status(200, place.as_dict())


@router.get(
    "/communes/{insee}", response={200: CommuneOut, **errors(404)}, summary="Une commune par son code INSEE"
)
def commune_detail(request, insee: str):
    index = get_index()
    commune = index.commune(insee)
    if commune is None:
        raise Http404(f"Commune inconnue : {insee}")
    return {
        "insee_code": commune.insee_code,
        "name": commune.name,
        "kind": commune.kind,
        "department_code": commune.department_code,
        "department_name": index.department_name(commune.department_code),
        "region_code": commune.region_code,
        "region_name": index.region_name(commune.region_code),
        "postcodes": list(commune.postcodes),
        "population": commune.population,
        "epci_siren": commune.epci_siren,
        "ept_siren": commune.ept_siren,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
    }


@router.get("/status", response=list[StatusOut], summary="Référentiels chargés : nombres et versions")
def status(request):
    return referential_status()
