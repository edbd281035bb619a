"""Matching services used by pages, the API, the CLI and the purchases scanner.

Stable entry points (the purchases helper calls the first two):
- `count_able_structures(lot) -> dict` — how many structures can answer, by kind, median capacity;
- `ranked_structures(lot, top=10) -> dict` — the ranked list with reasons (context of
  `matching/_ranked_structures.html`);
- `explain_structure(lot, siae_pk)`, `opportunities_for_structure(siae, top)`, `match_plan(lots, top)`.
`lot` is a `purchases.Lot` or a `LotFacts`.
"""

from collections import Counter
from statistics import median

import numpy as np

from dentelle.matching.capacity import oversize_warning
from dentelle.matching.facts import LotFacts, facts_from_lot, query_of
from dentelle.matching.index import get_structure_index
from dentelle.matching.places import cpv_label
from dentelle.matching.reasons import MODE_LABELS, explain
from dentelle.matching.scoring import score_all
from dentelle.matching.weights import load_weights

__all__ = [
    "LotFacts",
    "count_able_structures",
    "ranked_structures",
    "explain_structure",
    "opportunities_for_structure",
    "match_plan",
    "score_lot",
]


def score_lot(lot, arrays=None, exclude_evidence=None):
    """(query, arrays, ScoreResult) for a lot against the whole directory."""
    arrays = arrays if arrays is not None else get_structure_index()
    query = query_of(lot)
    return query, arrays, score_all(query, arrays, load_weights(), exclude_evidence=exclude_evidence)


def _item(query, arrays, result, row, weights, rank):
    explanation = explain(query, arrays, result, row, weights, cpv_label=cpv_label)
    data = explanation.as_dict()
    data.update(
        rank=rank,
        siret=arrays.sirets[row],
        percent=round(100 * explanation.score),
        department=arrays.departments[arrays.dept_idx[row]] if arrays.dept_idx[row] >= 0 else "",
        distance_km=None if np.isnan(result.distance_km[row]) else round(float(result.distance_km[row]), 1),
        coverage=None
        if np.isnan(result.coverage_share[row])
        else round(float(result.coverage_share[row]), 3),
    )
    return data


def _place_dict(place):
    if place is None:
        return None
    return {"kind": place.kind, "code": place.code, "name": place.name}


def lot_warnings(query, arrays, result, rows, weights):
    """Lot-level French warnings about the ranked rows (today: a lot too big for all of them)."""
    warning = oversize_warning(
        query.annual_amount,
        [str(k) for k in arrays.kinds[rows]],
        result.parts["capacity"][rows],
        {name: values[rows] for name, values in result.capacity_parts.items()},
        weights.kind_typical_turnover,
        weights.capacity["oversize_ratio"],
    )
    return [warning] if warning else []


def ranked_structures(lot, top=10, arrays=None):
    """The `top` best eligible structures for a lot (one establishment per company), with
    per-criterion values, French reasons and lot-level warnings."""
    weights = load_weights()
    query, arrays, result = score_lot(lot, arrays)
    rows = result.top(top, distinct=arrays.siren)
    able = result.eligible & (result.score >= weights.able_min_score)
    return {
        "items": [_item(query, arrays, result, int(row), weights, rank) for rank, row in enumerate(rows, 1)],
        "warnings": lot_warnings(query, arrays, result, rows, weights),
        "able_count": int(able.sum()),
        "eligible_count": int(result.eligible.sum()),
        "total": int(arrays.n),
        "cpv_codes": list(query.cpv_codes),
        "place": _place_dict(query.place),
        "annual_amount": query.annual_amount,
        "mode": result.mode,
        "mode_label": MODE_LABELS[result.mode],
        "reservation_kind": query.reservation_kind,
        "min_score": weights.able_min_score,
        "weights_version": weights.version,
    }


def count_able_structures(lot, arrays=None, min_score=None):
    """Counts for the scanner's reservation rule: structures whose score reaches the "able" threshold."""
    weights = load_weights()
    query, arrays, result = score_lot(lot, arrays)
    threshold = weights.able_min_score if min_score is None else min_score
    able = np.flatnonzero(result.eligible & (result.score >= threshold))
    turnovers = [float(v) for v in arrays.turnover[able] if not np.isnan(v)]
    ftes = [float(v) for v in arrays.fte[able] if not np.isnan(v)]
    full = result.coverage_share[able] >= 0.999
    return {
        "count": int(able.size),
        "kinds": dict(Counter(str(k) for k in arrays.kinds[able])),
        "local_count": int(full.sum()),
        "partial_count": int(able.size - full.sum()),
        "median_turnover": median(turnovers) if turnovers else None,
        "median_fte": median(ftes) if ftes else None,
        "with_known_capacity": len(turnovers),
        "top_score": float(result.score.max()) if arrays.n else 0.0,
        "min_score": threshold,
        "total_active": int(arrays.active.sum()),
        "mode": result.mode,
        "weights_version": weights.version,
    }


def explain_structure(lot, siae_pk, arrays=None):
    """The "why this score" panel of one structure for one lot (None if the structure is unknown)."""
    weights = load_weights()
    query, arrays, result = score_lot(lot, arrays)
    row = arrays.row_of_pk.get(int(siae_pk))
    if row is None:
        return None
    order = np.argsort(-np.where(result.eligible, result.score, -1.0), kind="stable")
    rank = int(np.flatnonzero(order == row)[0]) + 1 if result.eligible[row] else None
    return _item(query, arrays, result, row, weights, rank)


def opportunities_for_structure(siae, lots, top=20, arrays=None):
    """Lots ranked for one structure: [(lot, item)] best first, only where it is eligible."""
    arrays = arrays if arrays is not None else get_structure_index()
    row = arrays.row_of_pk.get(int(getattr(siae, "pk", siae)))
    if row is None:
        return []
    weights = load_weights()
    scored, cache = [], {}
    for lot in lots:
        query = query_of(lot)
        result = score_all(query, arrays, weights, cache=cache)
        if result.eligible[row]:
            scored.append((float(result.score[row]), lot, query, result))
    scored.sort(key=lambda entry: -entry[0])
    return [(lot, _item(query, arrays, result, row, weights, None)) for _, lot, query, result in scored[:top]]


def match_plan(lots, top=5, arrays=None):
    """Batch matching of a whole plan: one entry per lot with its best structures (short form)."""
    arrays = arrays if arrays is not None else get_structure_index()
    weights = load_weights()
    out, cache = [], {}  # lots of one plan share places, amounts and codes
    for lot in lots:
        facts = facts_from_lot(lot)
        query = query_of(facts)
        result = score_all(query, arrays, weights, cache=cache)
        rows = result.top(top, distinct=arrays.siren)
        out.append(
            {
                "lot": lot,
                "facts": facts,
                "able_count": int((result.eligible & (result.score >= weights.able_min_score)).sum()),
                "place": _place_dict(query.place),
                "warnings": lot_warnings(query, arrays, result, rows, weights),
                "structures": [
                    {
                        "rank": rank,
                        "id": int(arrays.pks[r]),
                        "name": arrays.names[r],
                        "kind": str(arrays.kinds[r]),
                        "siret": arrays.sirets[r],
                        "score": round(float(result.score[r]), 4),
                    }
                    for rank, r in enumerate(rows, 1)
                ],
            }
        )
    return out
