"""How many able structures can answer a lot, in its territory (input facts of rules R3 and R4).

One backend: the matching engine's definition of an able structure (`dentelle.matching.able`), the
same count as the supply-coverage table and the lot page. A scan first hands every request of the
plan to `prepare()`, which counts all distinct ones in one batch; `count()` then reads the answer
(and counts a request it was not given beforehand on its own, with the same code).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from dentelle.matching.able import count_able
from dentelle.matching.facts import LotFacts, query_of
from dentelle.matching.index import get_structure_index
from dentelle.matching.weights import load_weights
from dentelle.siaes.kinds import DISABILITY_KINDS

SIAE_KINDS = ("ACI", "AI", "EI", "ETTI")  # L2113-13 by default (domain §3.1; EITI, GEIQ to verify)


@dataclass(frozen=True)
class Supply:
    siae: int
    disability: int
    capacity: Decimal | None  # € HT per year the able structures can absorb (None: unknown)
    backend: str


class SupplyRequest(NamedTuple):
    """What the count depends on: the lot's trade, territory, execution nature and reservation."""

    cpv: str
    department_codes: tuple
    place_kind: str = ""
    place_code: str = ""
    nature: str = "services"
    reservation_kind: str = ""


class MatchingSupply:
    """Counts from the matching engine (scores, territory coverage, capacity), batched per plan."""

    backend = "moteur de mise en relation"

    def __init__(self, arrays=None):
        # Once per scan: the index checks the directory's version on each call.
        self._arrays = arrays if arrays is not None else get_structure_index()
        self._weights = load_weights()
        self._answers = {}
        self._score_cache = {}

    def prepare(self, requests):
        """Count every request not yet counted, in one batch."""
        missing = list(dict.fromkeys(r for r in requests if r not in self._answers))
        if not missing:
            return
        queries = [query_of(_facts(request)) for request in missing]
        counts = count_able(queries, self._arrays, self._weights, self._score_cache)
        self._answers.update(zip(missing, map(self._supply, counts), strict=True))

    def count(self, request):
        if request not in self._answers:
            self.prepare([request])
        return self._answers[request]

    def _supply(self, counts):
        siae = sum(n for kind, n in counts.kinds.items() if kind in SIAE_KINDS)
        disability = sum(n for kind, n in counts.kinds.items() if kind in DISABILITY_KINDS)
        median = counts.median_turnover
        # Capacity known only if every counted structure has a turnover; otherwise the rule falls
        # back on its sourced default per structure.
        known = median and counts.with_known_capacity == counts.count
        capacity = Decimal(str(median)) * siae if known else None
        return Supply(siae, disability, capacity, self.backend)


def _facts(request):
    place_kind, place_code = request.place_kind, request.place_code
    if not place_kind and len(request.department_codes) == 1:
        place_kind, place_code = "department", request.department_codes[0]
    return LotFacts(
        cpv_codes=[request.cpv],
        place_kind=place_kind,
        place_code=place_code,
        nature=request.nature or "services",
        reservation_kind=request.reservation_kind or "",
    )


def make_supply():
    return MatchingSupply()
