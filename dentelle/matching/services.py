"""Matching services used by pages, the API, the CLI and the purchases scanner.

Stable entry points (the purchases helper calls the first two):
- `count_able_structures(lot) -> dict` — how many structures can answer, by kind, median capacity
  (the one definition of an able structure: `able.py`); `count_able_many(lots)` for a batch;
- `ranked_structures(lot, top=10) -> dict` — the ranked list with reasons (context of
  `matching/_ranked_structures.html`);
- `explain_structure(lot, siae_pk)`, `opportunities_for_structure(siae, lots, top)`,
  `open_opportunities(siae, top)` (open lots, cached lot side), `match_plan(lots, top)`.
`lot` is a `purchases.Lot` or a `LotDescription`.
"""

from dataclasses import replace

import numpy as np

from dentelle.matching.able import count_able
from dentelle.matching.capacity import oversize_warning
from dentelle.matching.description import LotDescription, describe_lot, query_of
from dentelle.matching.index import get_structure_index
from dentelle.matching.lot_arrays import best_lots, build_lot_arrays, score_structure
from dentelle.matching.lot_index import get_open_lot_arrays
from dentelle.matching.places import cpv_label
from dentelle.matching.reasons import MODE_LABELS, explain
from dentelle.matching.scoring import LotQuery, score_all, trim_cache
from dentelle.matching.structure_subset import structure_subset
from dentelle.matching.weights import load_weights
from dentelle.purchases.models import Lot

__all__ = [
    "LotDescription",
    "count_able_structures",
    "count_able_many",
    "ranked_structures",
    "explain_structure",
    "opportunities_for_structure",
    "open_opportunities",
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


NO_EVIDENCE_WARNING = (
    "Aucune structure classée n'a de preuve de ce métier (compétence déclarée, code NAF, marché remporté, "
    "sourcing ou description) : la liste repose sur la proximité et le type — structures à qualifier par "
    "le sourcing avant toute réservation."
)


def lot_warnings(query, arrays, result, rows, weights):
    """Lot-level French warnings about the ranked rows: a lot too big for all of them; a list that rests
    on proximity alone because none of them shows evidence of the trade."""
    warnings = []
    if len(rows) and not np.any((result.cpv_part[rows] > 0) | (result.text_part[rows] > 0)):
        warnings.append(NO_EVIDENCE_WARNING)
    warning = oversize_warning(
        query.annual_amount,
        [str(k) for k in arrays.kinds[rows]],
        result.extra.get("capacity_measure", result.parts["capacity"])[rows],
        {name: values[rows] for name, values in result.capacity_parts.items()},
        weights.kind_typical_turnover,
        weights.capacity["oversize_ratio"],
    )
    return warnings + ([warning] if warning else [])


def ranked_structures(lot, top=10, arrays=None):
    """The `top` best eligible structures for a lot (one establishment per company), with
    per-criterion values, French reasons and lot-level warnings."""
    weights = load_weights()
    query, arrays, result = score_lot(lot, arrays)
    rows = result.top(top, distinct=arrays.siren)
    (able,) = count_able([query], arrays, weights)
    return {
        "items": [_item(query, arrays, result, int(row), weights, rank) for rank, row in enumerate(rows, 1)],
        "warnings": lot_warnings(query, arrays, result, rows, weights),
        "able_count": able.count,
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
    """Able structures of a lot (able.py: the same count for the scanner, the coverage table and the
    lot page), as a dict: count, kinds, local/partial counts, median turnover and FTE…"""
    (counts,) = count_able_many([lot], arrays, min_score)
    return counts


def count_able_many(lots, arrays=None, min_score=None, cache=None):
    """`count_able_structures` of many lots (Lot, LotDescription or LotQuery) in one batch."""
    arrays = arrays if arrays is not None else get_structure_index()
    weights = load_weights()
    if min_score is not None:
        weights = replace(weights, able_min_score=min_score)
    queries = [lot if isinstance(lot, LotQuery) else query_of(lot) for lot in lots]
    return [counts.as_dict() for counts in count_able(queries, arrays, weights, cache)]


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


def _opportunity_items(arrays, row, lots, positions, entries):
    """[(entry, item)] of the chosen lots, reasons computed lot by lot against this structure alone."""
    weights = load_weights()
    alone = structure_subset(arrays, [row])
    out = []
    for position in positions:
        query = lots.queries[position]
        result = score_all(query, alone, weights)
        out.append((entries[position], _item(query, alone, result, 0, weights, None)))
    return out


def opportunities_for_structure(siae, lots, top=20, arrays=None):
    """Lots ranked for one structure: [(lot, item)] best first, only where it is eligible.

    One vectorised pass scores the structure against every lot (lot_arrays.py); only the `top` lots
    shown get their reasons, computed by the same `score_all` restricted to this structure."""
    arrays = arrays if arrays is not None else get_structure_index()
    row = arrays.row_of_pk.get(int(getattr(siae, "pk", siae)))
    if row is None:
        return []
    lots = list(lots)
    weights = load_weights()
    lot_arrays = build_lot_arrays([query_of(lot) for lot in lots], arrays, weights)
    score, eligible = score_structure(lot_arrays, arrays, row, weights)
    return _opportunity_items(arrays, row, lot_arrays, best_lots(score, eligible, top), lots)


def open_opportunities(siae, top=20, arrays=None):
    """Open lots ranked for one structure, [(Lot, item)] best first: the lot side is cached
    (lot_index.py), so only the lots shown are read from the database."""
    arrays = arrays if arrays is not None else get_structure_index()
    row = arrays.row_of_pk.get(int(getattr(siae, "pk", siae)))
    if row is None:
        return []
    pks, lot_arrays = get_open_lot_arrays(arrays)
    score, eligible = score_structure(lot_arrays, arrays, row, load_weights())
    positions = best_lots(score, eligible, top)
    found = Lot.objects.select_related("operation").in_bulk([pks[p] for p in positions])
    kept = [p for p in positions if pks[p] in found]  # a lot deleted since the cache was built
    return _opportunity_items(arrays, row, lot_arrays, kept, {p: found[pks[p]] for p in kept})


def match_plan(lots, top=5, arrays=None):
    """Batch matching of a whole plan: one entry per lot with its best structures (short form)."""
    arrays = arrays if arrays is not None else get_structure_index()
    weights = load_weights()
    out, cache = [], {}  # lots of one plan share places, amounts and codes
    lots = list(lots)
    facts_list = [describe_lot(lot) for lot in lots]
    queries = [query_of(facts) for facts in facts_list]
    able = count_able(queries, arrays, weights)
    for lot, facts, query, able_counts in zip(lots, facts_list, queries, able, strict=True):
        trim_cache(cache)
        result = score_all(query, arrays, weights, cache=cache)
        rows = result.top(top, distinct=arrays.siren)
        out.append(
            {
                "lot": lot,
                "facts": facts,
                "able_count": able_counts.count,
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
