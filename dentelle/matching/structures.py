# pure: no database
"""Structure features as numpy arrays, built once from plain records (pure: stdlib + numpy).

The DB index (`index.py`) turns models into `StructureRecord`s; tests and the bench build records by
hand. Competences and service areas are flat row arrays sorted by structure, so one lot is scored
against every structure with a handful of vectorised operations.
"""

from dataclasses import dataclass, field

import numpy as np

from dentelle.matching.text import TextIndex, build_text_index

AREA_KINDS = ("national", "region", "department", "commune", "radius")
AREA_CODE = {name: i for i, name in enumerate(AREA_KINDS)}


@dataclass(frozen=True)
class CompetenceRecord:
    cpv_prefix: str  # 2 to 8 digits
    origin: str  # declared, naf, won_contract, sourcing, kind
    evidence: str = ""  # key of the contract it was learned from (DECP id), if any


@dataclass(frozen=True)
class AreaRecord:
    kind: str  # one of AREA_KINDS
    code: str = ""  # region, department or commune code
    radius_km: float | None = None
    declared: bool = True  # False: a default given by the directory (department of the site)


@dataclass
class StructureRecord:
    pk: int
    name: str
    kind: str
    siret: str = ""
    is_active: bool = True
    department_code: str = ""
    region_code: str = ""
    commune_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    competences: list = field(default_factory=list)
    areas: list = field(default_factory=list)
    turnover: float | None = None
    largest_contract: float | None = None
    fte: float | None = None
    free_monthly_hours: float | None = None
    offers: tuple = ()  # service kinds declared: staff_provision, service_provision, goods_production
    profile_text: str = ""  # what it does (description, NAF, competences, ROME trades); never its name


@dataclass
class StructureArrays:
    n: int
    pks: np.ndarray
    names: list
    sirets: list
    kinds: np.ndarray  # '<U5'
    active: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    lat_rad: np.ndarray
    lon_rad: np.ndarray
    cos_lat: np.ndarray
    dept_idx: np.ndarray  # index into `departments`, -1 unknown
    departments: tuple
    department_region_idx: np.ndarray  # dept index → region index
    regions: tuple
    names_of_places: dict  # ("department"|"region"|"commune", code) → name, for reasons
    comp_struct: np.ndarray
    comp_digits: np.ndarray  # (m, 8) uint8
    comp_sig: np.ndarray  # significant digits
    comp_weight: np.ndarray
    comp_codes: list
    comp_origins: list
    comp_evidence: np.ndarray  # int id of the evidence key, -1 none
    evidence_ids: dict
    comp_unique_digits: np.ndarray  # distinct competence codes: a lot is compared to these only
    comp_unique_sig: np.ndarray
    comp_inverse: np.ndarray  # row → index of its distinct code
    comp_starts: np.ndarray  # first row of each structure that has competences (rows grouped by structure)
    comp_owners: np.ndarray  # structure of each of those segments
    comp_passes: (
        list  # [(structures, rows)]: the j-th competence of every structure having one (max per pass)
    )
    capacity_rows: np.ndarray  # structures with at least one known capacity figure
    kind_codes: np.ndarray  # index into kind_names
    kind_names: tuple
    area_struct: np.ndarray
    area_kind: np.ndarray
    area_dept: np.ndarray
    area_region: np.ndarray
    area_commune: np.ndarray  # '<U5'
    area_radius: np.ndarray
    area_declared: np.ndarray  # False for the default area given to structures that declared none
    area_site_dept_covered: np.ndarray  # radius rows: the same structure has a row for its site's department
    turnover: np.ndarray
    largest_contract: np.ndarray
    fte: np.ndarray
    free_monthly_hours: np.ndarray
    offers_staff: np.ndarray
    offers_service: np.ndarray
    offers_goods: np.ndarray
    text: TextIndex
    profiles: list
    name_text: TextIndex  # names apart: a name word is weak evidence ("Restaurants du Cœur" is a charity)
    siren: np.ndarray  # int64 SIREN of each structure (-row-1 when unknown): one company per top list
    version: object = None
    row_of_pk: dict = field(default_factory=dict)
    establishments: np.ndarray = None  # establishments of the same company (SIREN) in the directory


def establishment_counts(siren):
    """Number of directory establishments sharing each structure's SIREN (1 when unknown)."""
    if siren.size == 0:
        return np.zeros(0, dtype=np.int64)
    _, inverse, counts = np.unique(siren, return_inverse=True, return_counts=True)
    return counts[inverse]


def significant_digits(code):
    """'77310000' → 4 ('7731'); at least 2 (the division)."""
    stripped = str(code).rstrip("0")
    return max(2, min(8, len(stripped)))


def cpv_digits(code):
    padded = (str(code) + "00000000")[:8]
    return np.frombuffer(padded.encode("ascii"), dtype=np.uint8) - ord("0")


def _float(value):
    return np.nan if value is None else float(value)


def build_structure_arrays(
    records,
    *,
    department_region=None,
    place_names=None,
    origin_weights=None,
    default_radius_km=50.0,
    version=None,
):
    """Arrays of `records` (StructureRecord). `department_region` maps dept code → region code."""
    department_region = dict(department_region or {})
    for record in records:
        if record.department_code and record.department_code not in department_region:
            department_region[record.department_code] = record.region_code
    departments = tuple(sorted(department_region))
    regions = tuple(
        sorted(
            {r for r in department_region.values() if r} | {r.region_code for r in records if r.region_code}
        )
    )
    dept_pos = {code: i for i, code in enumerate(departments)}
    region_pos = {code: i for i, code in enumerate(regions)}
    origin_weights = origin_weights or {}
    n = len(records)

    comp_rows, area_rows = [], []
    evidence_ids = {}
    for row, record in enumerate(records):
        for comp in record.competences:
            key = -1
            if comp.evidence:
                key = evidence_ids.setdefault(comp.evidence, len(evidence_ids))
            comp_rows.append((row, comp.cpv_prefix, comp.origin, key))
        areas = list(record.areas)
        declared = bool(areas) and all(area.declared for area in areas)
        has_point = record.latitude is not None and record.longitude is not None
        if not declared and has_point:
            # Nothing declared: the directory's default (department of the site) plus a radius around the
            # site, so a structure next to a department border is not cut off from the next department.
            areas.append(AreaRecord("radius", "", default_radius_km, False))
        elif not areas and record.department_code:
            areas = [AreaRecord("department", record.department_code, None, False)]
        for area in areas:
            area_rows.append((row, area, declared))

    site_dept_rows = {
        row
        for row, area, _ in area_rows
        if area.kind == "department" and area.code == records[row].department_code
    }
    m = len(comp_rows)
    comp_digits = np.zeros((m, 8), dtype=np.uint8)
    for i, (_, code, _, _) in enumerate(comp_rows):
        comp_digits[i] = cpv_digits(code)

    comp_struct = np.asarray([c[0] for c in comp_rows], dtype=np.int32)
    padded = [(str(c[1]) + "00000000")[:8] for c in comp_rows]
    unique_codes, comp_inverse = np.unique(np.asarray(padded, dtype="<U8"), return_inverse=True)
    unique_sig = np.asarray([significant_digits(c) for c in unique_codes], dtype=np.int8)
    unique_digits = np.zeros((len(unique_codes), 8), dtype=np.uint8)
    for i, code in enumerate(unique_codes):
        unique_digits[i] = cpv_digits(code)
    starts = (
        np.flatnonzero(np.r_[True, comp_struct[1:] != comp_struct[:-1]])
        if len(comp_struct)
        else np.zeros(0, int)
    )
    kind_names = tuple(sorted({r.kind or "" for r in records}))
    lat = np.asarray([_float(r.latitude) for r in records], dtype=np.float64)
    lon = np.asarray([_float(r.longitude) for r in records], dtype=np.float64)
    kind_pos = {k: i for i, k in enumerate(kind_names)}

    def area_dept(area):
        if area.kind == "department":
            return dept_pos.get(area.code, -1)
        if area.kind == "commune":
            return dept_pos.get(_commune_department(area.code), -1)
        return -1

    arrays = StructureArrays(
        n=n,
        pks=np.asarray([r.pk for r in records], dtype=np.int64),
        names=[r.name for r in records],
        sirets=[r.siret for r in records],
        kinds=np.asarray([r.kind or "" for r in records], dtype="<U5"),
        active=np.asarray([bool(r.is_active) for r in records], dtype=bool),
        lat=lat,
        lon=lon,
        lat_rad=np.radians(lat),
        lon_rad=np.radians(lon),
        cos_lat=np.cos(np.radians(lat)),
        dept_idx=np.asarray([dept_pos.get(r.department_code, -1) for r in records], dtype=np.int32),
        departments=departments,
        department_region_idx=np.asarray(
            [region_pos.get(department_region[d], -1) for d in departments], dtype=np.int32
        ),
        regions=regions,
        names_of_places=dict(place_names or {}),
        comp_struct=comp_struct,
        comp_digits=comp_digits,
        comp_sig=np.asarray([significant_digits(c[1]) for c in comp_rows], dtype=np.int8),
        comp_weight=np.asarray([origin_weights.get(c[2], 0.5) for c in comp_rows], dtype=np.float64),
        comp_codes=padded,
        comp_origins=[c[2] for c in comp_rows],
        comp_evidence=np.asarray([c[3] for c in comp_rows], dtype=np.int64),
        evidence_ids=evidence_ids,
        comp_unique_digits=unique_digits,
        comp_unique_sig=unique_sig,
        comp_inverse=comp_inverse.astype(np.int32),
        comp_starts=starts.astype(np.int64),
        comp_owners=comp_struct[starts] if len(comp_struct) else np.zeros(0, np.int32),
        comp_passes=competence_passes(comp_struct),
        capacity_rows=np.asarray(
            [
                i
                for i, r in enumerate(records)
                if any(
                    v is not None and v > 0
                    for v in (r.turnover, r.largest_contract, r.fte, r.free_monthly_hours)
                )
            ],
            dtype=np.int64,
        ),
        kind_codes=np.asarray([kind_pos[r.kind or ""] for r in records], dtype=np.int16),
        kind_names=kind_names,
        area_struct=np.asarray([a[0] for a in area_rows], dtype=np.int32),
        area_kind=np.asarray([AREA_CODE[a[1].kind] for a in area_rows], dtype=np.int8),
        area_dept=np.asarray([area_dept(a[1]) for a in area_rows], dtype=np.int32),
        area_region=np.asarray(
            [region_pos.get(a[1].code, -1) if a[1].kind == "region" else -1 for a in area_rows],
            dtype=np.int32,
        ),
        area_commune=np.asarray(
            [a[1].code if a[1].kind == "commune" else "" for a in area_rows], dtype="<U5"
        ),
        area_radius=np.asarray(
            [_float(a[1].radius_km) if a[1].kind == "radius" else np.nan for a in area_rows], dtype=np.float64
        ),
        area_declared=np.asarray([a[2] for a in area_rows], dtype=bool),
        area_site_dept_covered=np.asarray(
            [a[1].kind == "radius" and (a[0] in site_dept_rows) for a in area_rows], dtype=bool
        ),
        turnover=np.asarray([_float(r.turnover) for r in records], dtype=np.float64),
        largest_contract=np.asarray([_float(r.largest_contract) for r in records], dtype=np.float64),
        fte=np.asarray([_float(r.fte) for r in records], dtype=np.float64),
        free_monthly_hours=np.asarray([_float(r.free_monthly_hours) for r in records], dtype=np.float64),
        offers_staff=np.asarray(["staff_provision" in r.offers for r in records], dtype=bool),
        offers_service=np.asarray(["service_provision" in r.offers for r in records], dtype=bool),
        offers_goods=np.asarray(["goods_production" in r.offers for r in records], dtype=bool),
        text=build_text_index([r.profile_text for r in records]),
        profiles=[r.profile_text for r in records],
        name_text=build_text_index([r.name for r in records]),
        siren=np.asarray(
            [int(r.siret[:9]) if r.siret[:9].isdigit() else -row - 1 for row, r in enumerate(records)],
            dtype=np.int64,
        ),
        version=version,
        row_of_pk={r.pk: i for i, r in enumerate(records)},
    )
    arrays.establishments = establishment_counts(arrays.siren)
    return arrays


def competence_passes(comp_struct):
    """Group competence rows by their position inside their structure: pass j holds every structure's
    j-th row, so a per-structure max is a few gathers instead of one reduction per structure."""
    if len(comp_struct) == 0:
        return []
    starts = np.r_[True, comp_struct[1:] != comp_struct[:-1]]
    segment_start = np.maximum.accumulate(np.where(starts, np.arange(len(comp_struct)), 0))
    position = np.arange(len(comp_struct)) - segment_start
    return [
        (comp_struct[position == j].astype(np.int64), np.flatnonzero(position == j))
        for j in range(int(position.max()) + 1)
    ]


def _commune_department(insee):
    code = (insee or "").upper()
    if len(code) != 5:
        return ""
    return code[:3] if code.startswith(("97", "98")) else code[:2]
