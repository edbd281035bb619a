"""Resolve a lot's place of execution to a territory (``referentials.place.Place``: kind, code, departments,
region).

Uses ``dentelle.referentials.places.resolve_place`` (referentials helper) when it is available and
the referentials are loaded; otherwise reads the DECP-style code type (« Code postal »,
« Code département »…) with the pure helpers of ``core.geo``.
"""

import re
from dataclasses import replace

from dentelle.core.geo import department_of_commune, department_of_postcode
from dentelle.referentials.index import get_index
from dentelle.referentials.place import Place
from dentelle.referentials.places import resolve_place


def _index():
    index = get_index()
    return index if index.departments else None  # referentials not loaded: the code heuristics


def _referential_resolve(text, code, kind_hint=""):
    return resolve_place(text, code=code or None, code_kind_text=kind_hint or None)


def _from_place(place, index):
    departments = []
    if place.kind == "region" and index is not None:
        departments = list(index.departments_of_region(place.code))
    elif place.commune_codes and place.kind in ("epci", "ept"):
        departments = sorted({department_of_commune(c) for c in place.commune_codes})
    elif place.department_code:
        departments = [place.department_code]
    return replace(place, department_codes=tuple(departments))


def resolve_lot_place(text, code="", kind_hint=""):
    text, code = (text or "").strip(), (str(code or "")).strip()
    index = _index()
    if index is not None:
        place = _referential_resolve(text, code, kind_hint)
        if place is not None:
            return _from_place(place, index)
    resolved = _fallback(text, code, kind_hint.lower())
    if index is not None and resolved.department_codes and not resolved.region_code:
        resolved = replace(
            resolved, region_code=index.department_region.get(resolved.department_codes[0], "")
        )
    if index is not None and resolved.kind == "region":
        resolved = replace(resolved, department_codes=tuple(index.departments_of_region(resolved.code)))
    return resolved


def _fallback(text, code, hint):
    found = None if code else re.search(r"\b(\d{5}|\d{2}|2[AB])\b", text)
    digits = code or (found.group(1) if found else "")
    try:
        if "region" in hint or "région" in hint:
            return Place("region", digits, text, region_code=digits)
        if "departement" in hint or "département" in hint or len(digits) in (2, 3) and digits:
            return Place("department", digits, text, department_codes=(digits,))
        if "commune" in hint and len(digits) == 5:
            dept = department_of_commune(digits)
            return Place("commune", digits, text, department_codes=(dept,))
        if len(digits) == 5:
            dept = department_of_postcode(digits)
            return Place("department", dept, text, department_codes=(dept,))
    except ValueError:
        pass
    return Place("", "", text)  # not located: the lot keeps its text only
