# pure: no database
"""How well each structure fits a lot: score in [0, 1] and per-criterion parts (pure: numpy).

`score_all(query, arrays, weights)` scores every structure at once; `explain` (reasons.py) turns one
row into French reasons. Criteria: competence (competence.py: CPV tree distance + text similarity),
territory (territory.py, both ways), capacity (capacity.py, unknown = neutral), kind (kind.py: execution
mode and reservation basis), status (inactive out); the score is the product of the parts, each raised
to its weight. Weights: dentelle/rules/data/matching_weights.toml. `able_scores` stacks the scores of many able queries.
"""

from dataclasses import dataclass, field

import numpy as np

from dentelle.matching.capacity import capacity_scores, network_factor, size_factor
from dentelle.matching.competence import combine_competence, cpv_scores, place_stems, text_similarities
from dentelle.matching.kind import execution_mode, kind_scores, lot_purpose
from dentelle.matching.territory import territory_scores
from dentelle.referentials.place import Place

CRITERIA_LABELS = {
    "competence": "Compétence",
    "territory": "Territoire",
    "capacity": "Capacité",
    "kind": "Type de structure",
}
DISTINCT_OVERSAMPLING = 4  # rows looked at per wanted row before keeping one per company


@dataclass(frozen=True)
class LotQuery:
    """A lot as the scorer sees it: plain values only."""

    cpv_codes: tuple = ()  # main code first
    text: str = ""
    annual_amount: float | None = None
    place: Place | None = None
    nature: str = "services"  # works, services, supplies
    reservation_kind: str = ""
    staff_provision: bool | None = None  # None: deduced from CPV codes and text


@dataclass
class ScoreResult:
    score: np.ndarray
    parts: dict  # criterion → array in [0, 1]
    eligible: np.ndarray  # status and reservation gates
    cpv_part: np.ndarray
    text_part: np.ndarray
    comp_row_value: np.ndarray  # weighted CPV similarity of every competence row
    coverage_share: np.ndarray
    distance_km: np.ndarray
    capacity_parts: dict
    mode: str
    extra: dict = field(default_factory=dict)

    def top(self, count, min_score=0.0, distinct=None):
        """Rows of the `count` best eligible structures, best first. `distinct` (one key per structure,
        e.g. the SIREN) keeps only the best row of each key: five establishments of one company are one
        answer for a buyer."""
        candidates = np.flatnonzero(self.eligible & (self.score >= min_score))
        if candidates.size == 0 or count <= 0:
            return candidates[:0]
        wanted = count if distinct is None else count * DISTINCT_OVERSAMPLING
        while True:
            chosen = candidates
            if candidates.size > wanted:
                best = np.argpartition(-self.score[candidates], wanted - 1)[:wanted]
                chosen = candidates[best]
            chosen = chosen[np.lexsort((chosen, -self.score[chosen]))]
            if distinct is None:
                return chosen[:count]
            _, first = np.unique(distinct[chosen], return_index=True)
            kept = chosen[np.sort(first)]
            if kept.size >= count or chosen.size == candidates.size:
                return kept[:count]
            wanted *= 4  # many establishments of the same companies at the top: look further


BATCH_CACHE_ENTRIES = (
    1024  # a batch cache past this many entries is emptied (100,000-lot scan: 572 MB; 4,096: 1.4 GB)
)


def trim_cache(cache, limit=None):
    """Empty a batch cache (`score_all(..., cache=)`) grown past `limit`. Never pruned entry by entry:
    the log entries are keyed by the id of cached arrays, which must stay alive while they are listed."""
    if cache is not None and len(cache) > (limit or BATCH_CACHE_ENTRIES):
        cache.clear()


def _cached(cache, key, compute):
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _weighted_log(weights, name, part):
    """A criterion's term of the score's log: its exponent × log(part), the part floored."""
    return weights.criteria[name] * np.log(np.maximum(part, weights.floor))


def _competence_and_log(query, arrays, weights, cpv, similarities):
    competence, text_part = combine_competence(query, arrays, weights, cpv, similarities)
    return competence, text_part, _weighted_log(weights, "competence", competence)


def _capacity_part(arrays, measured, weights):
    return (
        measured
        * network_factor(arrays.establishments, weights.network)
        * size_factor(arrays.fte, weights.size)
    )


def score_all(query, arrays, weights, exclude_evidence=None, cache=None):
    """Score every structure of `arrays` for `query`. Returns a ScoreResult.

    `cache` (a dict shared across the lots of one batch, same arrays) reuses the criteria that depend
    on one input only: territory per place, capacity per amount, CPV part per codes, text similarities
    per title (plans repeat titles such as "Entretien des espaces verts" lot after lot).
    """
    mode = execution_mode(query, weights)
    evidence = frozenset(exclude_evidence or ())
    cpv, row_value = _cached(
        cache, ("cpv", query.cpv_codes, evidence), lambda: cpv_scores(query, arrays, weights, evidence)
    )
    # Without text the similarities are zeros whatever the place: no stems to compute, one entry.
    stems = place_stems(query.place) if query.text else frozenset()
    similarities = _cached(cache, ("text", query.text, stems), lambda: text_similarities(query, arrays))
    # The competence part and its weighted log depend on the codes and the text only: an able count
    # (no text) computes them once per distinct CPV codes, not once per (codes, place) query.
    competence, text_part, competence_log = _cached(
        cache,
        ("competence", query.cpv_codes, evidence, query.text, stems),
        lambda: _competence_and_log(query, arrays, weights, cpv, similarities),
    )
    territory, share, distance = _cached(
        cache,
        ("territory", query.place),
        lambda: territory_scores(arrays, query.place, weights.territory, weights.wide_place_kinds),
    )
    measured, cap_parts = _cached(
        cache,
        ("capacity", query.annual_amount),
        lambda: capacity_scores(arrays, query.annual_amount, weights.capacity),
    )
    capacity = _cached(cache, ("network", id(measured)), lambda: _capacity_part(arrays, measured, weights))
    purpose = lot_purpose(query.text, weights)
    kind, admitted = _cached(
        cache,
        ("kind", mode, query.reservation_kind, purpose),
        lambda: kind_scores(query, arrays, weights, mode),
    )
    parts = {"competence": competence, "territory": territory, "capacity": capacity, "kind": kind}
    # The weighted logs of criteria that depend on one input only are shared across a batch too (the
    # cached arrays stay alive in the cache, so their id is a safe key).
    log_sum = None
    for name in ("territory", "capacity", "kind"):
        log_part = _cached(
            cache,
            ("log", name, id(parts[name])),
            lambda name=name: _weighted_log(weights, name, parts[name]),
        )
        # Same additions in the same order as before the cache: competence + territory + capacity + kind.
        if log_sum is None:
            log_sum = competence_log + log_part
        else:
            log_sum += log_part
    eligible = arrays.active & admitted
    score = np.where(eligible, np.exp(log_sum), 0.0)
    return ScoreResult(
        score=score,
        parts=parts,
        eligible=eligible,
        cpv_part=cpv,
        text_part=text_part,
        comp_row_value=row_value,
        coverage_share=share,
        distance_km=distance,
        capacity_parts=cap_parts,
        mode=mode,
        extra={"capacity_measure": measured, "purpose": purpose},
    )


ABLE_CACHE_ENTRIES = 2048  # competence logs kept across a batch (n floats each: 86 MB for 5,228 structures)


@dataclass
class AbleScores:
    """Scores of a chunk of able queries (`able.able_query`: no text, no amount), one row per query."""

    score: np.ndarray  # (k × n), each row `score_all(query).score`
    eligible: np.ndarray  # (k × n)
    coverage_share: np.ndarray  # (k × n)
    modes: list


def able_scores(queries, arrays, weights, cache):
    """`score_all` of able queries stacked (k × n), bit for bit: the same parts, the same additions in
    the same order (competence + territory + capacity + kind), without a full result per query (the
    scanner counts thousands of (codes, place) queries per plan). `cache` keeps each CPV codes'
    competence log across the chunks of a batch; queries come grouped by place, so only the last
    place's territory is kept."""
    k, n = len(queries), arrays.n
    log = np.empty((k, n))
    eligible = np.empty((k, n), dtype=bool)
    share = np.empty((k, n))
    modes = []
    capacity_log = _able_entry(
        cache,
        ("able-capacity",),
        lambda: _weighted_log(
            weights,
            "capacity",
            _capacity_part(arrays, capacity_scores(arrays, None, weights.capacity)[0], weights),
        ),
    )
    for position, query in enumerate(queries):
        if query.text or query.annual_amount is not None:
            raise ValueError("able_scores attend des requêtes d'aptitude (able_query) : ni texte ni montant")
        mode = execution_mode(query, weights)
        competence_log = _able_entry(
            cache,
            ("able-competence", query.cpv_codes),
            lambda query=query: _able_competence_log(query, arrays, weights),
        )
        territory_log, territory_share = _able_territory(query.place, arrays, weights, cache)
        kind_log, admitted = _able_entry(
            cache,
            ("able-kind", mode, query.reservation_kind),
            lambda query=query, mode=mode: _able_kind(query, arrays, weights, mode),
        )
        row = log[position]
        np.add(competence_log, territory_log, out=row)
        row += capacity_log
        row += kind_log
        np.logical_and(arrays.active, admitted, out=eligible[position])
        share[position] = territory_share
        modes.append(mode)
    return AbleScores(np.where(eligible, np.exp(log), 0.0), eligible, share, modes)


def _able_entry(cache, key, compute):
    if key not in cache:
        if len(cache) >= ABLE_CACHE_ENTRIES:
            cache.clear()
        cache[key] = compute()
    return cache[key]


def _able_competence_log(query, arrays, weights):
    cpv, _rows = cpv_scores(query, arrays, weights, frozenset())
    return _competence_and_log(query, arrays, weights, cpv, text_similarities(query, arrays))[2]


def _able_territory(place, arrays, weights, cache):
    last = cache.get(("able-territory",))
    if last is None or last[0] != place:
        territory, share, _distance = territory_scores(
            arrays, place, weights.territory, weights.wide_place_kinds
        )
        last = cache[("able-territory",)] = (place, _weighted_log(weights, "territory", territory), share)
    return last[1], last[2]


def _able_kind(query, arrays, weights, mode):
    kind, admitted = kind_scores(query, arrays, weights, mode)
    return _weighted_log(weights, "kind", kind), admitted
