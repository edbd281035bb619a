"""The matching engine's answers to purchases, which sits below it and cannot import it: the able
structures a scan counts (R3, R4) and the allotment places, and a lot's ranking for its page. Handed
over once at start-up (`MatchingConfig.ready` → `dentelle.purchases.supply.register_engine`).

One definition of an able structure (`dentelle.matching.able`), the same count as the supply-coverage
table and the lot page. A scan first hands every request of the plan to `prepare()`, which counts all
distinct ones in one batch; `count()` then reads the answer (and counts a request it was not given
beforehand on its own, with the same code).
"""

from decimal import Decimal

from dentelle.matching.able import able_mask, able_query, count_able
from dentelle.matching.description import LotDescription, query_of
from dentelle.matching.index import get_structure_index
from dentelle.matching.scoring import score_all
from dentelle.matching.services import ranked_structures
from dentelle.matching.weights import load_weights
from dentelle.purchases.allotment_lots import Structure
from dentelle.purchases.supply import SIAE_KINDS, Engine, Supply
from dentelle.siaes.kinds import DISABILITY_KINDS


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
    return LotDescription(
        cpv_codes=[request.cpv],
        place_kind=place_kind,
        place_code=place_code,
        nature=request.nature or "services",
        reservation_kind=request.reservation_kind or "",
    )


def able_structures(cpv, region_code, default_capacity, nature="services"):
    """SIAE (L2113-13 kinds) able to do ``cpv`` in the region, as positioned :class:`Structure`."""
    arrays, weights = get_structure_index(), load_weights()
    facts = LotDescription(cpv_codes=[cpv], place_kind="region", place_code=region_code, nature=nature)
    result = score_all(able_query(query_of(facts)), arrays, weights)
    mask = able_mask(result, arrays, weights)
    out = []
    for i in mask.nonzero()[0]:
        lat, lon = float(arrays.lat[i]), float(arrays.lon[i])
        if str(arrays.kinds[i]) not in SIAE_KINDS or lat != lat or lon != lon:  # NaN: no position
            continue
        turnover = float(arrays.turnover[i])
        capacity = turnover if turnover == turnover and turnover > 0 else float(default_capacity)
        out.append(Structure(arrays.sirets[i], lat, lon, capacity))
    return out


ENGINE = Engine(
    make_supply=MatchingSupply, able_structures=able_structures, ranked_structures=ranked_structures
)
