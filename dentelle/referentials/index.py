"""In-memory index of the referentials, built once from the database and cached per process.

Everything that needs fast lookups (place resolution, CPV labels, commune → department → region)
goes through ``get_index()``. ``invalidate_index()`` is called after every load and whenever a
referential row is saved or deleted through the ORM (signals in apps.py).
"""

import threading
import time
from pathlib import Path

from dentelle.core.diskcache import cached
from dentelle.referentials.index_cpv import CpvLookups
from dentelle.referentials.index_db import db_communes, db_cpv_codes, db_single
from dentelle.referentials.index_territories import GroupingInfo, TerritoryLookups
from dentelle.referentials.models import Department, Grouping, ReferentialLoad, Region
from dentelle.referentials.place_resolver import PlaceResolver

_LOCK = threading.Lock()
_INDEX = None
_TOUCHED = False  # set when the index was invalidated; lets the test suite drop a stale cache
_CHECKED_AT = 0.0
_SIGNATURE = None

POINT_LOOKUPS = 64  # single-row queries a part answers before it loads whole (see ReferentialIndex)
PARTS = ("communes", "commune_keys", "groupings", "cpv")


class ReferentialIndex(TerritoryLookups, CpvLookups):
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

    def _point(self, part, key):
        """(found, value) of one row read alone while `part` is not loaded; (False, None) otherwise."""
        if self._single is None or part in self._parts or self._point_lookups >= POINT_LOOKUPS:
            return False, None
        if (part, key) not in self._point_cache:
            self._point_lookups += 1
            self._point_cache[(part, key)] = self._single(part, key)
        return True, self._point_cache[(part, key)]

    # --- from the database ---------------------------------------------------------------------
    @classmethod
    def from_db(cls):
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

    # --- places ------------------------------------------------------------------------------
    @property
    def place_resolver(self):
        if self._place_resolver is None:
            with self._locks["resolver"]:
                if self._place_resolver is None:
                    self._place_resolver = self._cached_resolver(PlaceResolver)
        return self._place_resolver

    def _cached_resolver(self, resolver_class):
        """The resolver from the on-disk cache when this index came from a database whose loads
        (name, version, loaded at) a previous process already resolved with the same code."""
        key = getattr(self, "_cache_key", None)
        if key is None:
            return resolver_class.from_index(self)

        here = Path(__file__).parent
        sources = sorted(here.glob("*.py"))
        resolver = cached("place-resolver", key, lambda: resolver_class.from_index(self), sources)
        if "communes" not in self._parts:  # the same rows: no second read of 37,000 communes
            self._parts["communes"] = resolver.communes
        return resolver


RECHECK_SECONDS = 60


def _loads_signature():
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
