"""Referential look-ups the matching needs: places, CPV labels, department → region.

Everything comes from the referentials helper's in-memory index (`get_index()`, rebuilt when the
referential rows change); places are memoised per index object, so a 2,000-lot plan costs no query.
"""

from dentelle.referentials.index import get_index
from dentelle.referentials.place import Place
from dentelle.referentials.places import resolve_place

NATIONAL_WORDS = {
    "france",
    "national",
    "nationale",
    "france entiere",
    "france entière",
    "fr",
    "national (fr)",
}
_cache = {"index": None, "places": {}, "texts": {}}


def _index():
    index = get_index()
    if _cache["index"] is not index:
        _cache.update(index=index, places={}, texts={})
    return index


def department_regions():
    return dict(_index().department_region)


def place_names():
    index = _index()
    names = {("department", code): name for code, (name, _region) in index.departments.items()}
    names.update({("region", code): name for code, name in index.regions.items()})
    return names


def cpv_labels():
    return {code: info.label_fr for code, info in _index().cpv_codes.items()}


def cpv_label(code):
    return _index().cpv_label((str(code) + "00000000")[:8]) or ""


def national_place():
    return Place("national", "FR", "France entière")


def place_of(kind, code, name=""):
    """Place of an INSEE-coded place (commune, department, region, epci, ept, national) or None."""
    index = _index()
    key = (kind, code, name)
    if key not in _cache["places"]:
        _cache["places"][key] = _build_place(index, (kind or "").lower(), (code or "").strip().upper(), name)
    return _cache["places"][key]


_grouped = {"index": None}


def _communes_by(index, level):
    """{department or region code: [communes (kind COM)]}, grouped once per referential index (a
    plan's places are many: one pass over the 37,000 communes, not one per department)."""
    if _grouped["index"] is not index:
        by = {"department": {}, "region": {}}
        for commune in index.communes.values():
            if commune.kind == "COM":
                by["department"].setdefault(commune.department_code, []).append(commune)
                by["region"].setdefault(commune.region_code, []).append(commune)
        _grouped.update(index=index, **by)
    return _grouped[level]


def _build_place(index, kind, code, name):
    if kind == "national":
        return national_place()
    if kind == "commune":
        commune = index.commune(code)
        if commune is None:
            return None
        return Place(
            "commune",
            code,
            name or commune.name,
            department_code=commune.department_code,
            region_code=commune.region_code,
            latitude=commune.latitude,
            longitude=commune.longitude,
            commune_codes=(code,),
            department_codes=(commune.department_code,),
        )
    if kind == "department":
        if code not in index.departments:
            return None
        communes = _communes_by(index, "department").get(code, [])
        return _area_place("department", code, name or index.departments[code][0], communes, (code,))
    if kind == "region":
        if code not in index.regions:
            return None
        depts = tuple(index.departments_of_region(code))
        communes = _communes_by(index, "region").get(code, [])
        return _area_place("region", code, name or index.regions[code], communes, depts)
    if kind in {"epci", "ept"}:
        members = [index.commune(c) for c in index.communes_of_grouping(code)]
        members = [c for c in members if c is not None]
        if not members:
            return None
        grouping = index.grouping(code)
        depts = tuple(sorted({c.department_code for c in members}))
        name = name or (grouping.name if grouping else code)
        return _area_place(kind, code, name, members, depts, tuple(c.insee_code for c in members))
    return None


def _area_place(kind, code, name, communes, depts, commune_codes=()):
    """A wide place gets the population-weighted centre of its communes as its point."""
    points = [(c.latitude, c.longitude, c.population or 1) for c in communes if c.latitude is not None]
    lat = lon = None
    if points:
        total = sum(p for _, _, p in points)
        lat = sum(la * p for la, _, p in points) / total
        lon = sum(lo * p for _, lo, p in points) / total
    return Place(
        kind,
        code,
        name,
        latitude=lat,
        longitude=lon,
        commune_codes=commune_codes,
        department_codes=tuple(depts),
    )


def resolve_place_text(text):
    """Place of a free-text place ('Saint-Denis (93)', '93', 'Île-de-France', '93001', 'France')."""
    text = (text or "").strip()
    if not text:
        return None
    if text.lower() in NATIONAL_WORDS:
        return national_place()
    index = _index()
    if len(text) == 5 and index.commune(text) is not None:
        return place_of("commune", text.upper())  # an INSEE code is taken as such
    if text not in _cache["texts"]:
        resolved = resolve_place(text)
        _cache["texts"][text] = place_of(resolved.kind, resolved.code, resolved.name) if resolved else None
    return _cache["texts"][text]
