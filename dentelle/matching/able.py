# pure: no database
"""One definition of an "able structure" (structure capable), for every count of the app (pure: numpy).

A structure is able to answer a lot when `score_all` finds it eligible (active, admitted by the
lot's reservation) and its score reaches `weights.able_min_score`. Establishments of one company
(same SIREN) count once, as in the lot page's ranked list (`ScoreResult.top(distinct=siren)`): the
company is represented by its best-scoring able establishment (ties: the first row), whose kind,
turnover and coverage are the ones counted.

The question is "how many structures can do this trade here?", so the able query of a lot keeps its
CPV codes, place, execution mode (nature) and reservation, and leaves out its title and amount: the
title would make two lots of the same trade and place disagree, and the amount is weighed by the
reservation rule itself against the able structures' capacity (R3). The supply-coverage table, the
scanner's rules R3 and R4 (through `purchases.supply`), the lot page and the plan matching all count
through `count_able` below, so they cannot disagree on the same trade and territory.

`count_able(queries, arrays, weights)` answers many queries in one batch: distinct queries only,
scored a chunk at a time by `scoring.able_scores` (each row `score_all`'s score to the bit, parts
shared across the batch: a plan repeats places and codes), then the counts of the chunk are taken
together on its (queries × structures) matrix. A single query is a batch of one, so the batch and the
one-by-one answers are the same computation.
"""

from dataclasses import dataclass, replace

import numpy as np

from dentelle.matching.scoring import able_scores

FULL_COVERAGE = 0.999  # share of the lot's territory from which a structure counts as "local"
CHUNK = 256  # queries whose scores are stacked at once (256 × 10,000 float64 = 20 MB)


@dataclass(frozen=True)
class AbleCounts:
    count: int  # able structures (one per company)
    kinds: dict  # kind → count
    local_count: int  # covering the whole territory of the lot
    partial_count: int
    median_turnover: float | None
    median_fte: float | None
    with_known_capacity: int  # counted structures whose turnover is known
    top_score: float
    min_score: float
    total_active: int
    mode: str
    weights_version: str

    def as_dict(self):
        return dict(self.__dict__)


def able_query(query):
    """The query whose able structures are counted: the lot's trade, place, mode and reservation."""
    return replace(query, text="", annual_amount=None)


class _Companies:
    """Establishments sharing a SIREN with others (sorted by SIREN, then row), computed once per arrays:
    only those need choosing; a structure alone in its company is counted as it is."""

    def __init__(self, arrays):
        rows = np.arange(arrays.n)
        order = np.lexsort((rows, arrays.siren))
        sorted_siren = arrays.siren[order]
        starts = np.flatnonzero(np.r_[True, sorted_siren[1:] != sorted_siren[:-1]]) if arrays.n else rows
        sizes = np.diff(np.r_[starts, arrays.n])
        shared = np.repeat(sizes > 1, sizes)
        self.multi = order[shared]  # rows of companies with several establishments, grouped
        multi_sizes = sizes[sizes > 1]
        self.multi_sizes = multi_sizes
        self.multi_starts = (
            np.r_[0, np.cumsum(multi_sizes)[:-1]].astype(int) if multi_sizes.size else multi_sizes
        )
        # One mask per kind: the counts by kind are integer sums, no matrix product (whose BLAS
        # threads would spin on a second core for a few milliseconds after every chunk).
        self.kind_masks = [arrays.kind_codes == code for code in range(len(arrays.kind_names))]
        self.turnover_known = ~np.isnan(arrays.turnover)
        self.fte_known = ~np.isnan(arrays.fte)


_companies = {"arrays": None, "groups": None}


def _groups(arrays):
    if _companies["arrays"] is not arrays:
        _companies.update(arrays=arrays, groups=_Companies(arrays))
    return _companies["groups"]


def able_rows(score, eligible, arrays, weights):
    """(k × n) boolean: the counted row of each able company, for k stacked results (see module doc)."""
    able = eligible & (score >= weights.able_min_score)
    groups = _groups(arrays)
    if groups.multi.size == 0:
        return able
    starts, sizes = groups.multi_starts, groups.multi_sizes
    shared_able = able[:, groups.multi]
    masked = np.where(shared_able, score[:, groups.multi], -np.inf)
    best = np.repeat(np.maximum.reduceat(masked, starts, axis=1), sizes, axis=1)
    is_best = (masked == best) & shared_able
    seen = np.cumsum(is_best, axis=1)
    before = np.repeat(seen[:, starts] - is_best[:, starts], sizes, axis=1)
    able[:, groups.multi] = is_best & (seen - before == 1)  # the first best establishment of each
    return able


def able_mask(result, arrays, weights):
    """Boolean over the structures of `arrays`: the able structures of one `score_all` result."""
    return able_rows(result.score[None, :], result.eligible[None, :], arrays, weights)[0]


def _row_medians(rows, values, known):
    """`float(np.median(values[row & known]))` (None when empty) of every row of the (k × n) boolean `rows`, at once.

    The known values are sorted once; a row's median is read from its cumulated selection: the middle
    value, or the mean of the two middle ones, `(a + b) / 2`, as `np.median` computes it."""
    if rows.shape[0] == 0:
        return []
    columns = np.flatnonzero(known)
    columns = columns[np.argsort(values[columns], kind="stable")]
    ordered = values[columns]
    chosen = rows[:, columns]
    counts = chosen.sum(axis=1)
    if ordered.size == 0:
        return [None] * rows.shape[0]
    seen = np.cumsum(chosen, axis=1, dtype=np.int32)
    low = np.argmax(seen > ((counts - 1) // 2)[:, None], axis=1)
    high = np.argmax(seen > (counts // 2)[:, None], axis=1)
    middle = (ordered[low] + ordered[high]) / 2
    return [float(value) if count else None for value, count in zip(middle, counts, strict=True)]


def _counts_of_chunk(scores, arrays, weights):
    groups = _groups(arrays)
    rows = able_rows(scores.score, scores.eligible, arrays, weights)
    share = scores.coverage_share
    counts = rows.sum(axis=1)
    local = (rows & (share >= FULL_COVERAGE)).sum(axis=1)  # an unknown (NaN) share is not local
    kinds = np.zeros((rows.shape[0], len(groups.kind_masks)), dtype=int)
    for code, mask in enumerate(groups.kind_masks):
        kinds[:, code] = (rows & mask).sum(axis=1)
    known = (rows & groups.turnover_known).sum(axis=1)
    total_active = int(arrays.active.sum())
    turnovers = _row_medians(rows, arrays.turnover, groups.turnover_known)
    ftes = _row_medians(rows, arrays.fte, groups.fte_known)
    top = scores.score.max(axis=1) if arrays.n else np.zeros(len(scores.modes))
    out = []
    for position, mode in enumerate(scores.modes):
        out.append(
            AbleCounts(
                count=int(counts[position]),
                kinds={
                    name: int(kinds[position, code])
                    for code, name in enumerate(arrays.kind_names)
                    if kinds[position, code]
                },
                local_count=int(local[position]),
                partial_count=int(counts[position] - local[position]),
                median_turnover=turnovers[position],
                median_fte=ftes[position],
                with_known_capacity=int(known[position]),
                top_score=float(top[position]),
                min_score=weights.able_min_score,
                total_active=total_active,
                mode=mode,
                weights_version=weights.version,
            )
        )
    return out


def count_able(queries, arrays, weights, cache=None):
    """AbleCounts of each query (LotQuery, counted as `able_query(query)`), in the order given.

    Distinct queries are scored once (`scoring.able_scores`, a chunk at a time), grouped by place then
    codes so that each place's territory is computed once and each CPV codes' competence once per
    batch (`cache`, bounded by `scoring.ABLE_CACHE_ENTRIES`)."""
    wanted = [able_query(query) for query in queries]
    distinct = sorted(set(wanted), key=_group_key)
    cache = {} if cache is None else cache
    answers = {}
    for start in range(0, len(distinct), CHUNK):
        chunk = distinct[start : start + CHUNK]
        answers.update(
            zip(
                chunk,
                _counts_of_chunk(able_scores(chunk, arrays, weights, cache), arrays, weights),
                strict=True,
            )
        )
    return [answers[query] for query in wanted]


def _group_key(query):
    place = query.place
    return (
        "" if place is None else place.kind,
        "" if place is None else place.code,
        query.cpv_codes,
        query.nature,
        query.reservation_kind,
        str(query.staff_provision),
    )
