"""In-memory index of the referentials, built once from the database and cached per process.

Everything that needs fast lookups (place resolution, CPV labels, commune → department → region)
goes through ``get_index()``. ``invalidate_index()`` is called after every load and whenever a
referential row is saved or deleted through the ORM (signals in apps.py).
"""

import re
import threading
import time
from pathlib import Path
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


POINT_LOOKUPS = 64  # single-row queries a part answers before it loads whole (see ReferentialIndex)
PARTS = ("communes", "commune_keys", "groupings", "cpv")


class ReferentialIndex:
    """Lookups over the referentials, built lazily part by part (communes, their name and postcode
    keys, groupings, CPV codes; the place resolver on top): a page that needs one commune and three
    CPV labels no longer pays the ≈1 s build of everything. Until a part is loaded, a point lookup
    (`commune`, `cpv`) reads its single row; after `POINT_LOOKUPS` of them the part loads whole.
    `warm()` loads every part (background warm-up after the first request, see apps.py)."""

    def __init__(self, communes, departments, regions, groupings, cpv_codes):
        """communes: [CommuneInfo]; departments: {code: (name, region)}; regions: {code: name};
        groupings: [GroupingInfo]; cpv_codes: [CpvInfo]."""
        self._setup(departments, regions)
        self._sources = {
            "communes": lambda: communes,
            "groupings": lambda: groupings,
            "cpv": lambda: cpv_codes,
        }
        self._single = None  # no database behind a hand-built index

    def _setup(self, departments, regions):
        self.departments = dict(departments)
        self.regions = dict(regions)
        self.department_region = {code: region for code, (_name, region) in self.departments.items()}
        self._parts, self._locks = {}, {name: threading.RLock() for name in (*PARTS, "resolver")}
        self._point_cache, self._point_lookups = {}, 0
        self._place_resolver = None

    def _part(self, name):
        part = self._parts.get(name)
        if part is None:
            with self._locks[name]:
                part = self._parts.get(name)
                if part is None:
                    part = getattr(self, f"_build_{name}")()
                    self._parts[name] = part
        return part

    def is_loaded(self, name):
        return name in self._parts

    def warm(self):
        """Load every part (and the place resolver)."""
        for name in PARTS:
            self._part(name)
        return self.place_resolver

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

    def _build_cpv(self):
        cpv_codes = list(self._sources["cpv"]())
        children = {}
        for cpv in cpv_codes:
            if cpv.parent:
                children.setdefault(cpv.parent, []).append(cpv.code)
        return {c.code: c for c in cpv_codes}, children

    @property
    def communes(self):
        return self._part("communes")

    @property
    def groupings(self):
        return self._part("groupings")

    @property
    def cpv_codes(self):
        return self._part("cpv")[0]

    @property
    def _children(self):
        return self._part("cpv")[1]

    @property
    def _by_postcode(self):
        return self._part("commune_keys")[0]

    @property
    def _by_name(self):
        return self._part("commune_keys")[1]

    def _point(self, part, key):
        """(found, value) of one row read alone while `part` is not loaded; (False, None) otherwise."""
        if self._single is None or part in self._parts or self._point_lookups >= POINT_LOOKUPS:
            return False, None
        if (part, key) not in self._point_cache:
            self._point_lookups += 1
            self._point_cache[(part, key)] = self._single(part, key)
        return True, self._point_cache[(part, key)]

    # --- territories -------------------------------------------------------------------------
    @classmethod
    def from_db(cls):
        from dentelle.referentials.index_db import db_communes, db_cpv_codes, db_single
        from dentelle.referentials.models import Department, Region

        index = cls.__new__(cls)
        index._setup(
            {
                code: (name, region)
                for code, name, region in Department.objects.values_list("code", "name", "region_id")
            },
            dict(Region.objects.values_list("code", "name")),
        )
        index._sources = {"communes": db_communes, "groupings": index._db_groupings, "cpv": db_cpv_codes}
        index._single = db_single
        return index

    def _db_groupings(self):
        from dentelle.referentials.models import Grouping

        members = {}
        for commune in self.communes.values():
            if commune.kind in (
                "COM",
                "ARM",
            ):  # groupings are made of communes, plus arrondissements for lookups
                for siren in (commune.epci_siren, commune.ept_siren):
                    if siren:
                        members.setdefault(siren, []).append(commune.insee_code)
        return [
            GroupingInfo(siren, name, kind, legal_type, tuple(sorted(members.get(siren, ()))))
            for siren, name, kind, legal_type in Grouping.objects.values_list(
                "siren", "name", "kind", "legal_type"
            )
        ]

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
                from dentelle.core.geo import department_of_postcode

                department = department_of_postcode(hint) if hint.isdigit() else None
        found = self.communes_by_name(text, department)
        return found[0] if found else None

    # --- CPV ---------------------------------------------------------------------------------
    def cpv(self, code):
        match = _CPV_CODE_RE.match(str(code or ""))
        if not match:
            return None
        found, info = self._point("cpv", match.group(1))
        return info if found else self.cpv_codes.get(match.group(1))

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
            with self._locks["resolver"]:
                if self._place_resolver is None:
                    from dentelle.referentials.place_resolver import PlaceResolver

                    self._place_resolver = self._cached_resolver(PlaceResolver)
        return self._place_resolver

    def _cached_resolver(self, resolver_class):
        """The resolver from the on-disk cache when this index came from a database whose loads
        (name, version, loaded at) a previous process already resolved with the same code."""
        key = getattr(self, "_cache_key", None)
        if key is None:
            return resolver_class.from_index(self)
        from dentelle.core.diskcache import cached

        here = Path(__file__).parent
        sources = sorted(here.glob("*.py"))
        resolver = cached("place-resolver", key, lambda: resolver_class.from_index(self), sources)
        if "communes" not in self._parts:  # the same rows: no second read of 37,000 communes
            self._parts["communes"] = resolver.communes
        return resolver


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
                if _SIGNATURE and not _TOUCHED:  # rows changed in this process: no disk cache
                    from django.conf import settings

                    name = str(settings.DATABASES["default"]["NAME"])
                    _INDEX._cache_key = (name, [tuple(map(str, row)) for row in _SIGNATURE])
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
