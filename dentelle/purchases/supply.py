"""How many able structures can answer a lot, in its territory (input facts of rule R3 and R4).

Two backends, same answer shape ``Supply(siae, disability, capacity)``:
- the matching engine (``dentelle.matching.services.count_able_structures``) when it exists;
- otherwise a directory count: active structures serving the lot's departments whose competence CPV
  prefix matches the lot's CPV (ancestor or descendant).
Both are cached per (CPV, territory): a plan repeats the same trades and places many times.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from dentelle.siaes.kinds import DISABILITY_KINDS

SIAE_KINDS = ("ACI", "AI", "EI", "ETTI")  # L2113-13 by default (domain §3.1; EITI, GEIQ to verify)


@dataclass(frozen=True)
class Supply:
    siae: int
    disability: int
    capacity: Decimal | None  # € HT per year the able structures can absorb (None: unknown)
    backend: str


def significant_prefix(cpv):
    digits = "".join(ch for ch in str(cpv or "") if ch.isdigit())[:8]
    stripped = digits.rstrip("0")
    return digits[: max(2, len(stripped))] if len(digits) >= 2 else ""


class DirectorySupply:
    """Counts from the SIAE directory, loaded once into memory."""

    backend = "annuaire"

    def __init__(self):
        from dentelle.siaes.models import Capacity, Competence, ServiceArea, Siae

        self._kind = {}
        self._by_department = defaultdict(set)
        self._national = set()
        for pk, kind, dept in Siae.objects.active().values_list("pk", "kind", "department_code"):
            self._kind[pk] = kind
            if dept:
                self._by_department[dept].add(pk)
        for siae_id, kind, code in ServiceArea.objects.filter(siae_id__in=self._kind).values_list(
            "siae_id", "kind", "code"
        ):
            if kind == "national":
                self._national.add(siae_id)
            elif kind == "department" and code:
                self._by_department[code].add(siae_id)
            elif kind == "commune" and code:
                self._by_department[code[:3] if code.startswith("97") else code[:2]].add(siae_id)
        self._region_departments = defaultdict(set)
        self._prefixes = defaultdict(set)
        for siae_id, prefix in Competence.objects.filter(siae_id__in=self._kind).values_list(
            "siae_id", "cpv_prefix"
        ):
            self._prefixes[prefix].add(siae_id)
        self._turnover = dict(
            Capacity.objects.filter(siae_id__in=self._kind, metric="turnover").values_list("siae_id", "value")
        )
        self._cache = {}

    def _competent(self, cpv):
        prefix = significant_prefix(cpv)
        if not prefix:
            return set()
        found = set()
        for stored, ids in self._prefixes.items():
            if prefix.startswith(stored) or stored.startswith(prefix):
                found |= ids
        return found

    def count(self, cpv, department_codes, place_kind="", place_code=""):
        key = (cpv, tuple(department_codes))
        if key not in self._cache:
            serving = set(self._national)
            for dept in department_codes:
                serving |= self._by_department.get(dept, set())
            able = serving & self._competent(cpv)
            siae = [pk for pk in able if self._kind[pk] in SIAE_KINDS]
            disability = [pk for pk in able if self._kind[pk] in DISABILITY_KINDS]
            known = [self._turnover[pk] for pk in siae if pk in self._turnover]
            # Capacity known only if every counted structure has a turnover; otherwise let the rule
            # fall back on its sourced default per structure.
            capacity = sum(known, Decimal("0")) if siae and len(known) == len(siae) else None
            self._cache[key] = Supply(len(siae), len(disability), capacity, self.backend)
        return self._cache[key]


class MatchingSupply:
    """Counts from the matching engine (scores, territory coverage, capacity)."""

    backend = "moteur de mise en relation"

    def __init__(self, services):
        from dentelle.matching.index import get_structure_index

        self._services = services
        self._arrays = get_structure_index()  # once per scan: the index checks its version on each call
        self._cache = {}

    def count(self, cpv, department_codes, place_kind="", place_code=""):
        key = (cpv, tuple(department_codes), place_kind, place_code)
        if key not in self._cache:
            if not place_kind and len(department_codes) == 1:
                place_kind, place_code = "department", department_codes[0]
            facts = self._services.LotFacts(cpv_codes=[cpv], place_kind=place_kind, place_code=place_code)
            counts = self._services.count_able_structures(facts, arrays=self._arrays)
            kinds = counts.get("kinds", {})
            siae = sum(n for kind, n in kinds.items() if kind in SIAE_KINDS)
            disability = sum(n for kind, n in kinds.items() if kind in DISABILITY_KINDS)
            median = counts.get("median_turnover")
            capacity = (
                Decimal(str(median)) * siae
                if median and counts.get("with_known_capacity") == counts.get("count")
                else None
            )
            self._cache[key] = Supply(siae, disability, capacity, self.backend)
        return self._cache[key]


def make_supply(prefer_matching=True):
    if prefer_matching:
        try:
            from dentelle.matching import services
        except ImportError:
            services = None
        if services is not None and hasattr(services, "count_able_structures"):
            return MatchingSupply(services)
    return DirectorySupply()
