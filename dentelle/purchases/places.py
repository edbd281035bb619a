"""Resolve a lot's place of execution to a territory (kind, code, departments, region).

Uses ``dentelle.referentials.places.resolve_place`` (referentials helper) when it is available and
the referentials are loaded; otherwise reads the DECP-style code type (« Code postal »,
« Code département »…) with the pure helpers of ``core.geo``.
"""

import re
from dataclasses import dataclass, field

from dentelle.core.geo import department_of_commune, department_of_postcode
from dentelle.referentials.index import get_index
from dentelle.referentials.places import resolve_place


@dataclass
class ResolvedPlace:
    kind: str = ""
    code: str = ""
    name: str = ""
    department_codes: list = field(default_factory=list)
    region_code: str = ""


def _index():
    index = get_index()
    return index if index.departments else None  # referentials not loaded: the code heuristics


def _referential_resolve(text, code, kind_hint=""):
    return resolve_place(text, code=code or None, code_kind_text=kind_hint or None)


def _from_place(place, index):
    departments = []
    if place.kind == "region" and index is not None:
        departments = list(index.departments_of_region(place.code))
    elif getattr(place, "commune_codes", None) and place.kind in ("epci", "ept"):
        departments = sorted({department_of_commune(c) for c in place.commune_codes})
    elif place.department_code:
        departments = [place.department_code]
    return ResolvedPlace(place.kind, place.code, place.name, departments, place.region_code or "")


def resolve_lot_place(text, code="", kind_hint=""):
    text, code = (text or "").strip(), (str(code or "")).strip()
    index = _index()
    if index is not None:
        place = _referential_resolve(text, code, kind_hint)
        if place is not None:
            return _from_place(place, index)
    resolved = _fallback(text, code, kind_hint.lower())
    if index is not None and resolved.department_codes and not resolved.region_code:
        resolved.region_code = index.department_region.get(resolved.department_codes[0], "")
    if index is not None and resolved.kind == "region":
        resolved.department_codes = list(index.departments_of_region(resolved.code))
    return resolved


def _fallback(text, code, hint):
    found = None if code else re.search(r"\b(\d{5}|\d{2}|2[AB])\b", text)
    digits = code or (found.group(1) if found else "")
    try:
        if "region" in hint or "région" in hint:
            return ResolvedPlace("region", digits, text, [], digits)
        if "departement" in hint or "département" in hint or len(digits) in (2, 3) and digits:
            return ResolvedPlace("department", digits, text, [digits])
        if "commune" in hint and len(digits) == 5:
            dept = department_of_commune(digits)
            return ResolvedPlace("commune", digits, text, [dept])
        if len(digits) == 5:
            dept = department_of_postcode(digits)
            return ResolvedPlace("department", dept, text, [dept])
    except ValueError:
        pass
    return ResolvedPlace(name=text)
