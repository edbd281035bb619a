"""In-memory index of the referentials, built once from the database and cached per process.

Everything that needs fast lookups (place resolution, CPV labels, commune → department → region)
goes through ``get_index()``. ``invalidate_index()`` is called after every load and whenever a
referential row is saved or deleted through the ORM (signals in apps.py).
"""

import re
import threading
import time
from typing import NamedTuple

from dentelle.referentials.text import normalise

_LOCK = threading.Lock()
_INDEX = None
_TOUCHED = False  # set when the index was invalidated; lets the test suite drop a stale cache
_CHECKED_AT = 0.0
_SIGNATURE = None


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


class CpvInfo(NamedTuple):
    code: str
    check_digit: str
    level: str
    parent: str | None
    label_fr: str
    label_en: str
    search_text: str

    @property
    def full_code(self):
        return f"{self.code}-{self.check_digit}" if self.check_digit else self.code


# Arrondissements are named "Paris 13e Arrondissement", "Marseille 1er Arrondissement".
_ARM_RE = re.compile(r"^(paris|lyon|marseille) (\d{1,2})(?:er|e)? arrondissement$")
_KIND_RANK = {"ARM": 0, "COM": 1, "COMD": 2, "COMA": 3}
_CODE_IN_PARENS = re.compile(r"\(\s*(\d[\dAB]{1,4})\s*\)\s*$", re.IGNORECASE)
_CPV_CODE_RE = re.compile(r"^\s*(\d{8})(?:-?(\d))?\s*$")


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


class ReferentialIndex:
    def __init__(self, communes, departments, regions, groupings, cpv_codes):
        """communes: [CommuneInfo]; departments: {code: (name, region)}; regions: {code: name};
        groupings: [GroupingInfo]; cpv_codes: [CpvInfo]."""
        self.communes = {c.insee_code: c for c in communes}
        self.departments = dict(departments)
        self.regions = dict(regions)
        self.department_region = {code: region for code, (_name, region) in departments.items()}
        self.groupings = {g.siren: g for g in groupings}
        self.cpv_codes = {c.code: c for c in cpv_codes}
        self._children = {}
        for cpv in cpv_codes:
            if cpv.parent:
                self._children.setdefault(cpv.parent, []).append(cpv.code)
        self._by_postcode, self._by_name = {}, {}
        ranked = sorted(
            communes, key=lambda c: (_KIND_RANK.get(c.kind, 9), -(c.population or 0), c.insee_code)
        )
        for commune in ranked:
            for postcode in commune.postcodes:
                self._by_postcode.setdefault(postcode, []).append(commune.insee_code)
            keys = commune_name_keys(commune.name, commune.kind)
            keys += [normalise(other) for other in commune.other_names]
            for key in dict.fromkeys(keys):
                self._by_name.setdefault(key, []).append(commune.insee_code)
        self._place_resolver = None

    # --- territories -------------------------------------------------------------------------
    @classmethod
    def from_db(cls):
        from dentelle.referentials.models import Commune, CpvCode, Department, Grouping, Region

        communes = [
            CommuneInfo(
                insee_code=row[0],
                name=row[1],
                kind=row[2],
                department_code=row[3],
                region_code=row[4],
                epci_siren=row[5],
                ept_siren=row[6],
                latitude=row[7],
                longitude=row[8],
                postcodes=tuple(p for p in row[9].split("|") if p),
                population=row[10],
                parent_code=row[11],
                other_names=tuple(n for n in row[12].split("|") if n),
            )
            for row in Commune.objects.values_list(
                "insee_code",
                "name",
                "kind",
                "department_id",
                "region_id",
                "epci_id",
                "ept_id",
                "latitude",
                "longitude",
                "postcodes",
                "population",
                "parent_code",
                "other_names",
            ).order_by()
        ]
        members = {}
        for commune in communes:
            if commune.kind in (
                "COM",
                "ARM",
            ):  # groupings are made of communes, plus arrondissements for lookups
                for siren in (commune.epci_siren, commune.ept_siren):
                    if siren:
                        members.setdefault(siren, []).append(commune.insee_code)
        groupings = [
            GroupingInfo(siren, name, kind, legal_type, tuple(sorted(members.get(siren, ()))))
            for siren, name, kind, legal_type in Grouping.objects.values_list(
                "siren", "name", "kind", "legal_type"
            )
        ]
        departments = {
            code: (name, region)
            for code, name, region in Department.objects.values_list("code", "name", "region_id")
        }
        regions = dict(Region.objects.values_list("code", "name"))
        cpv_codes = [
            CpvInfo(*row)
            for row in CpvCode.objects.values_list(
                "code", "check_digit", "level", "parent_id", "label_fr", "label_en", "search_text"
            ).order_by("code")
        ]
        return cls(communes, departments, regions, groupings, cpv_codes)

    def commune(self, insee_code):
        return self.communes.get((insee_code or "").strip().upper())

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
                from dentelle.core.geo import department_of_postcode

                department = department_of_postcode(hint) if hint.isdigit() else None
        found = self.communes_by_name(text, department)
        return found[0] if found else None

    # --- CPV ---------------------------------------------------------------------------------
    def cpv(self, code):
        match = _CPV_CODE_RE.match(str(code or ""))
        return self.cpv_codes.get(match.group(1)) if match else None

    def cpv_label(self, code):
        info = self.cpv(code)
        return info.label_fr if info else None

    def cpv_ancestors(self, code):
        """Codes of the ancestors, nearest first (the division last)."""
        info, ancestors = self.cpv(code), []
        while info and info.parent:
            ancestors.append(info.parent)
            info = self.cpv_codes.get(info.parent)
        return ancestors

    def cpv_children(self, code):
        info = self.cpv(code)
        return list(self._children.get(info.code, ())) if info else []

    def cpv_descendants(self, code):
        """Codes of all descendants, in code order."""
        info = self.cpv(code)
        if not info:
            return []
        found, stack = [], list(self._children.get(info.code, ()))
        while stack:
            child = stack.pop()
            found.append(child)
            stack.extend(self._children.get(child, ()))
        return sorted(found)

    def search_cpv(self, text, limit=20):
        """CPV codes matching a code prefix or the words of a label, best first."""
        text = (text or "").strip()
        exact = self.cpv(text)
        if exact:
            return [exact]
        digits = re.sub(r"[\s-]", "", text)
        if digits.isdigit():
            return [info for code, info in self.cpv_codes.items() if code.startswith(digits)][:limit]
        query = normalise(text)
        words = query.split()
        if not words:
            return []
        scored = []
        for info in self.cpv_codes.values():
            label = info.search_text.split(" | ", 1)[0]
            if not all(word in info.search_text for word in words):
                continue
            if label == query:
                rank = 0
            elif label.startswith(query):
                rank = 1
            elif query in label:
                rank = 2
            elif all(word in label for word in words):
                rank = 3
            else:
                rank = 4  # matched through the English label
            scored.append((rank, len(label), len(info.code.rstrip("0")), info.code, info))
        scored.sort(key=lambda item: item[:4])
        return [item[-1] for item in scored[:limit]]

    # --- places ------------------------------------------------------------------------------
    @property
    def place_resolver(self):
        if self._place_resolver is None:
            from dentelle.referentials.places import PlaceResolver

            self._place_resolver = PlaceResolver.from_index(self)
        return self._place_resolver


RECHECK_SECONDS = 60


def _loads_signature():
    from dentelle.referentials.models import ReferentialLoad

    return tuple(ReferentialLoad.objects.order_by("name").values_list("name", "version", "loaded_at"))


def get_index():
    """The cached index; rebuilt when invalidated, or when another process (the CLI) loaded new files
    (checked at most once a minute with one small query)."""
    global _INDEX, _CHECKED_AT, _SIGNATURE
    now = time.monotonic()
    if _INDEX is not None and now - _CHECKED_AT > RECHECK_SECONDS:
        _CHECKED_AT = now
        if _loads_signature() != _SIGNATURE:
            _INDEX = None
    index = _INDEX
    if index is None:
        with _LOCK:
            if _INDEX is None:
                _SIGNATURE = _loads_signature()
                _INDEX = ReferentialIndex.from_db()
                _CHECKED_AT = time.monotonic()
            index = _INDEX
    return index


def invalidate_index():
    global _INDEX, _TOUCHED
    _INDEX = None
    _TOUCHED = True


def consume_touched():
    """True if the index was invalidated since the last call (test-suite helper)."""
    global _TOUCHED
    touched, _TOUCHED = _TOUCHED, False
    return touched
