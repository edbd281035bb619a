"""Directory search: one set of filters for the page, the exports and the API."""

import re
from dataclasses import dataclass, field

from django.db.models import Q

from dentelle.core.text import plain_words
from dentelle.referentials.index import get_index
from dentelle.referentials.places import resolve_place
from dentelle.siaes.enums import SERVICE_KIND_FIELDS, CapacityMetric, ServiceKind, SiaeKind
from dentelle.siaes.models import ServiceArea, Siae
from dentelle.siaes.querysets import cpv_prefix, digit_prefix_q

MAX_RADIUS_KM = 500

# Columns a result list never shows: provenance alone is ~70 % of a row.
LIST_DEFERRED = ("description", "provenance", "edited_fields", "external_ids", "search_text")
# Control characters (NUL first: PostgreSQL refuses it in any text parameter) never reach a query,
# whoever calls the search: page, API, CLI or code (config.api_guard only covers HTTP requests).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def clean_text(value):
    """Free text as a query may use it: control characters (NUL included) become spaces, trimmed."""
    return CONTROL_CHARACTERS.sub(" ", str(value or "")).strip()


@dataclass
class SearchParams:
    q: str = ""
    kinds: list = field(default_factory=list)
    cpv: str = ""
    place: str = ""  # free text: commune, EPCI, department, region (resolved by the referentials)
    radius_km: int = 0
    department: str = ""
    region: str = ""
    serving: bool = False  # also structures whose service area covers the territory
    service_kind: str = ""
    capacity: str = ""  # a CapacityMetric that must be known
    active_only: bool = True

    def __post_init__(self):
        for name in ("q", "cpv", "place", "department", "region", "service_kind", "capacity"):
            setattr(self, name, clean_text(getattr(self, name)))
        self.kinds = [clean_text(kind) for kind in self.kinds]

    @classmethod
    def from_mapping(cls, data):
        def text(name):
            return clean_text(data.get(name))

        kinds = data.getlist("kind") if hasattr(data, "getlist") else data.get("kind") or []
        if isinstance(kinds, str):
            kinds = [kinds]
        try:
            radius = int(text("radius_km") or 0)
        except ValueError:
            radius = 0
        return cls(
            q=text("q"),
            kinds=[k for k in kinds if k in SiaeKind.values],
            cpv=text("cpv"),
            place=text("place"),
            radius_km=max(0, min(radius, MAX_RADIUS_KM)),
            department=text("department").upper(),
            region=text("region"),
            serving=text("serving") in ("1", "on", "true", "oui"),
            service_kind=text("service_kind") if text("service_kind") in ServiceKind.values else "",
            capacity=text("capacity") if text("capacity") in CapacityMetric.values else "",
            active_only=text("inactive") not in ("1", "on", "true", "oui"),
        )


@dataclass
class SearchResult:
    queryset: object
    notes: list  # what the filters were understood as, in French
    place: object = None
    cpv_code: str = ""


def resolve_cpv(text, index):
    """A CPV code or prefix ('45', '4544', '45442100-8') or a label searched in the CPV tree."""
    compact = re.sub(r"[\s-]", "", text)
    if compact.isdigit():
        return cpv_prefix(compact[:8]) if len(compact) >= 2 else ""
    found = index.search_cpv(text, 1)
    return cpv_prefix(found[0].code) if found else ""


def territory_filter(queryset, params, index, notes):
    place = None
    if params.place:
        place = resolve_place(params.place)
        if place is None:
            notes.append(f"Territoire « {params.place} » non reconnu : filtre ignoré.")
            return queryset, None
        if place.kind == "commune" and params.radius_km and place.latitude is not None:
            notes.append(f"À moins de {params.radius_km} km de {place.name}.")
            return queryset.near(place.latitude, place.longitude, params.radius_km), place
        if place.kind in ("commune", "epci", "ept"):
            notes.append(f"Implantées dans : {place.name}.")
            return queryset.filter(commune_insee_code__in=place.commune_codes), place
        if place.kind == "department":
            params.department = place.code
        elif place.kind == "region":
            params.region = place.code
    if params.department:
        region = index.department_region.get(params.department, "")
        if params.serving:
            notes.append(f"Intervenant dans le département {params.department}.")
            queryset = queryset.serving_department(params.department, region)
        else:
            queryset = queryset.in_department(params.department)
    elif params.region:
        if params.serving:
            departments = index.departments_of_region(params.region)
            areas = ServiceArea.objects.filter(
                Q(kind="national")
                | Q(kind="region", code=params.region)
                | Q(kind="department", code__in=departments)
            )
            queryset = queryset.filter(Q(region_code=params.region) | Q(pk__in=areas.values("siae_id")))
        else:
            queryset = queryset.in_region(params.region)
    return queryset, place


def search_siaes(params, index=None):
    index = index or get_index()
    notes = []
    queryset = Siae.objects.all()
    if params.active_only:
        queryset = queryset.active()
    if params.q:
        queryset = search_text(queryset, params.q)
    if params.kinds:
        queryset = queryset.of_kinds(params.kinds)
    code = ""
    if params.cpv:
        code = resolve_cpv(params.cpv, index)
        if code:
            label = index.cpv_label(code.ljust(8, "0"))
            notes.append(f"Compétence CPV {code}* {('— ' + label) if label else ''} (famille et sous-codes).")
            queryset = queryset.with_competence(code)
        else:
            notes.append(f"Code CPV « {params.cpv} » non reconnu : filtre ignoré.")
    queryset, place = territory_filter(queryset, params, index, notes)
    if params.service_kind:
        queryset = queryset.filter(**{SERVICE_KIND_FIELDS[params.service_kind]: True})
    if params.capacity:
        queryset = queryset.with_known_capacity(params.capacity)
    return SearchResult(queryset.order_by("name", "pk"), notes, place, code)


def search_text(queryset, text):
    text = clean_text(text)
    compact = text.replace(" ", "")
    if compact.isdigit():
        return queryset.filter(digit_prefix_q("siret", compact[:14], 14))
    query = Q()
    for word in plain_words(text).split():
        query &= Q(search_text__contains=word)
    return queryset.filter(query)


class ResultPages:
    """A search's results, sliceable for a Paginator or an API page, in two steps.

    First the ids of the slice, in order: the (name, id, is_active) index answers the walk without
    reading the wide rows, so a selective filter whose matches sort late (every ESAT starts with
    « ESAT ») no longer fetches thousands of rows to keep 50. Then those rows, narrow, by id.
    """

    def __init__(self, queryset, deferred=LIST_DEFERRED, prefetch=()):
        self.queryset = queryset
        self.deferred = deferred
        self.prefetch = prefetch
        self._count = None

    def count(self):
        if self._count is None:
            self._count = self.queryset.count()
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        ids = list(self.queryset.values_list("pk", flat=True)[item])
        if not ids:
            return []
        rows = Siae.objects.filter(pk__in=ids).defer(*self.deferred).prefetch_related(*self.prefetch)
        by_id = {row.pk: row for row in rows}
        return [by_id[pk] for pk in ids if pk in by_id]
