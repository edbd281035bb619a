"""Territory lookups of the referentials index (index.py): communes, their name and postcode keys,
EPCI/EPT groupings, departments and regions; a commune found from a code, a postcode or a name."""

import re
from typing import NamedTuple

from dentelle.core.geo import department_of_postcode
from dentelle.referentials.index_parts import IndexPart
from dentelle.referentials.text import normalise


class CommuneInfo(NamedTuple):
    insee_code: str
    name: str
    kind: str
    department_code: str
    region_code: str
    epci_siren: str | None
    ept_siren: str | None
    latitude: float | None
    longitude: float | None
    postcodes: tuple[str, ...]
    population: int | None
    parent_code: str
    other_names: tuple[str, ...] = ()


class GroupingInfo(NamedTuple):
    siren: str
    name: str
    kind: str
    legal_type: str
    commune_codes: tuple[str, ...]


# Arrondissements are named "Paris 13e Arrondissement", "Marseille 1er Arrondissement".
_ARM_RE = re.compile(r"^(paris|lyon|marseille) (\d{1,2})(?:er|e)? arrondissement$")
_KIND_RANK = {"ARM": 0, "COM": 1, "COMD": 2, "COMA": 3}
_CODE_IN_PARENS = re.compile(r"\(\s*(\d[\dAB]{1,4})\s*\)\s*$", re.IGNORECASE)


def commune_name_keys(name, kind):
    """Every normalised key under which a commune can be found (arrondissement spellings included)."""
    key = normalise(name)
    keys = [key]
    match = _ARM_RE.match(key)
    if kind == "ARM" and match:
        city, number = match.group(1), int(match.group(2))
        suffix = "er" if number == 1 else "e"
        for form in (f"{number}", f"{number}{suffix}", f"{number}eme", f"{number}{suffix} arrondissement"):
            keys.append(f"{city} {form}")
        keys.append(f"{city} {number} arrondissement")
    return keys


class TerritoryLookups:
    """The territory half of ``ReferentialIndex`` (which provides ``_sources``, ``_part``, ``_point``,
    ``departments`` and ``regions``): its parts « communes », « commune_keys » and « groupings », and
    the lookups."""

    def _build_communes(self):
        return {c.insee_code: c for c in self._sources["communes"]()}

    def _build_commune_keys(self):
        by_postcode, by_name = {}, {}
        ranked = sorted(
            self.communes.values(),
            key=lambda c: (_KIND_RANK.get(c.kind, 9), -(c.population or 0), c.insee_code),
        )
        for commune in ranked:
            for postcode in commune.postcodes:
                by_postcode.setdefault(postcode, []).append(commune.insee_code)
            keys = commune_name_keys(commune.name, commune.kind)
            keys += [normalise(other) for other in commune.other_names]
            for key in dict.fromkeys(keys):
                by_name.setdefault(key, []).append(commune.insee_code)
        return by_postcode, by_name

    def _build_groupings(self):
        return {g.siren: g for g in self._sources["groupings"]()}

    communes = IndexPart("communes")
    groupings = IndexPart("groupings")
    _by_postcode = IndexPart("commune_keys", 0)
    _by_name = IndexPart("commune_keys", 1)

    def commune(self, insee_code):
        code = (insee_code or "").strip().upper()
        found, commune = self._point("communes", code)
        return commune if found else self.communes.get(code)

    def department_name(self, code):
        entry = self.departments.get(code)
        return entry[0] if entry else None

    def region_name(self, code):
        return self.regions.get(code)

    def departments_of_region(self, code):
        return sorted(dept for dept, region in self.department_region.items() if region == code)

    def grouping(self, siren):
        return self.groupings.get(siren)

    def communes_of_grouping(self, siren):
        grouping = self.groupings.get(siren)
        if not grouping:
            return []
        return [code for code in grouping.commune_codes if self.communes[code].kind == "COM"]

    def communes_by_postcode(self, postcode):
        return [self.communes[code] for code in self._by_postcode.get((postcode or "").strip(), ())]

    def communes_by_name(self, name, department_code=None):
        """Communes whose name matches (accent, case, hyphen-insensitive), best first."""
        found = [self.communes[code] for code in self._by_name.get(normalise(name), ())]
        if department_code:
            found = [c for c in found if c.department_code == department_code]
        return found

    def find_commune(self, text):
        """One commune from an INSEE code, a postcode or a name ('Saint-Denis (93)', 'Paris 13e', '75013')."""
        text = (text or "").strip()
        if re.fullmatch(r"\d{5}|2[AB]\d{3}", text, re.IGNORECASE):
            by_postcode = self.communes_by_postcode(text)
            return by_postcode[0] if by_postcode else self.commune(text)
        department = None
        match = _CODE_IN_PARENS.search(text)
        if match:
            hint = match.group(1).upper()
            text = text[: match.start()]
            department = hint if len(hint) <= 3 else None
            if len(hint) == 5:
                candidates = [c for c in self.communes_by_name(text) if hint in c.postcodes]
                if candidates:
                    return candidates[0]
                department = department_of_postcode(hint) if hint.isdigit() else None
        found = self.communes_by_name(text, department)
        return found[0] if found else None
