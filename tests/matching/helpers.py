"""Plain builders for pure scoring tests (no database)."""

from dentelle.matching.structures import AreaRecord, CompetenceRecord, StructureRecord, build_structure_arrays
from dentelle.matching.weights import load_weights
from dentelle.referentials.place import Place

WEIGHTS = load_weights()
DEPARTMENT_REGION = {
    "75": "11",
    "92": "11",
    "93": "11",
    "94": "11",
    "77": "11",
    "78": "11",
    "91": "11",
    "95": "11",
    "59": "32",
    "62": "32",
    "69": "84",
}
POINTS = {
    "75056": (48.8566, 2.3522),
    "93001": (48.9125, 2.3846),
    "59350": (50.6292, 3.0573),
    "69123": (45.7640, 4.8357),
    "77288": (48.5396, 2.6554),
}


def structure(pk, kind="EI", *, cpv=(), origin="declared", commune="93001", areas=(), **extra):
    lat, lon = POINTS.get(commune, (None, None))
    dept = commune[:2] if commune else ""
    return StructureRecord(
        pk=pk,
        name=extra.pop("name", f"Structure {pk}"),
        kind=kind,
        siret=f"{pk:014d}",
        department_code=dept,
        region_code=DEPARTMENT_REGION.get(dept, ""),
        commune_code=commune,
        latitude=lat,
        longitude=lon,
        competences=[c if isinstance(c, CompetenceRecord) else CompetenceRecord(c, origin) for c in cpv],
        areas=[a if isinstance(a, AreaRecord) else AreaRecord(*a) for a in areas],
        **extra,
    )


def arrays_of(*records):
    return build_structure_arrays(
        list(records),
        department_region=DEPARTMENT_REGION,
        origin_weights=WEIGHTS.origin_weights,
        place_names={("department", "93"): "Seine-Saint-Denis", ("region", "11"): "Île-de-France"},
        default_radius_km=WEIGHTS.territory["default_radius_km"],
    )


def commune_place(code):
    lat, lon = POINTS[code]
    return Place(
        "commune",
        code,
        f"Commune {code}",
        latitude=lat,
        longitude=lon,
        department_codes=(code[:2],),
        commune_codes=(code,),
    )


def department_place(code):
    return Place("department", code, f"Département {code}", department_codes=(code,))


def region_place(code="11"):
    depts = tuple(d for d, r in DEPARTMENT_REGION.items() if r == code)
    return Place("region", code, "Île-de-France", latitude=48.85, longitude=2.35, department_codes=depts)
