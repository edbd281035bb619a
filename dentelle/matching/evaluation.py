"""Evaluation harness: does the ranking put the real winner of a past contract near the top?

For every DECP record whose holder (SIRET, or SIREN) is in the directory, the contract is scored as a
lot against the whole directory WITHOUT that contract as evidence (its won-contract competence is left
out), and the winner's rank is kept. Prints recall@1/5/10/20, the mean reciprocal rank and the worst
misses.
"""

from dataclasses import dataclass

import numpy as np

from dentelle.decp.readers import iter_decp
from dentelle.matching.facts import LotFacts, query_of
from dentelle.matching.index import get_structure_index
from dentelle.matching.scoring import score_all
from dentelle.matching.weights import load_weights

RECALL_AT = (1, 5, 10, 20)
PLACE_KINDS = {
    "code commune": "commune",
    "code département": "department",
    "code departement": "department",
    "code région": "region",
    "code region": "region",
    "code pays": "national",
}


@dataclass
class EvaluatedCase:
    record_id: str
    object: str
    cpv: str
    place: str
    holder_name: str
    holder_siret: str
    rank: int | None  # None: winner not eligible (inactive or excluded by reservation)
    score: float
    top_names: list


def nature_of_cpv(cpv):
    """DECP v1 'nature' is the contract form; the works/services/supplies kind comes from the CPV."""
    if not cpv:
        return "services"
    division = int(cpv[:2])
    if division == 45:
        return "works"
    return "supplies" if division < 45 or division == 48 else "services"


def facts_of_record(record):
    place_type = (record.place_type or "").strip().lower()
    kind = PLACE_KINDS.get(place_type, "")
    code = (record.place_code or "").strip()
    if kind == "department" and len(code) == 1:
        code = "0" + code
    return LotFacts(
        cpv_codes=[record.cpv] if record.cpv else [],
        amount=float(record.amount) if record.amount is not None else None,
        duration_months=record.duration_months,
        place_kind=kind if kind and (code or kind == "national") else "",
        place_code=code,
        place_text=code if not kind else "",
        nature=nature_of_cpv(record.cpv),
        text=record.object or "",
    )


def winner_rows(record, arrays, by_siret, by_siren):
    rows = set()
    for holder in record.holders:
        ident = "".join(ch for ch in holder.id if ch.isdigit())
        if len(ident) == 14 and ident in by_siret:
            rows.add(by_siret[ident])
        elif len(ident) in (9, 14) and ident[:9] in by_siren:
            rows.update(by_siren[ident[:9]])
    return rows


def evaluate_file(path, top=20, arrays=None, problems=None):
    """Scores every directory-won contract of a DECP file; returns the figures as a dict."""
    arrays = arrays if arrays is not None else get_structure_index()
    weights = load_weights()
    by_siret = {siret: row for row, siret in enumerate(arrays.sirets) if siret}
    by_siren = {}
    for row, siret in enumerate(arrays.sirets):
        by_siren.setdefault(siret[:9], []).append(row)
    cases, read, cache = [], 0, {}
    for record in iter_decp(path, problems):
        read += 1
        rows = winner_rows(record, arrays, by_siret, by_siren)
        if not rows or not record.cpv:
            continue
        query = query_of(facts_of_record(record))
        result = score_all(
            query, arrays, weights, exclude_evidence={record.id, record.uid} - {""}, cache=cache
        )
        ranked = np.where(result.eligible, result.score, -1.0)
        best_row, best_rank = None, None
        for row in rows:
            if not result.eligible[row]:
                continue
            rank = int((ranked > ranked[row]).sum()) + 1
            if best_rank is None or rank < best_rank:
                best_row, best_rank = row, rank
        shown = best_row if best_row is not None else next(iter(rows))
        cases.append(
            EvaluatedCase(
                record_id=record.id or record.uid,
                object=(record.object or "")[:120],
                cpv=record.cpv,
                place=f"{record.place_type} {record.place_code}".strip(),
                holder_name=arrays.names[shown],
                holder_siret=arrays.sirets[shown],
                rank=best_rank,
                score=float(result.score[shown]),
                top_names=[arrays.names[r] for r in result.top(3)],
            )
        )
    return summarise(cases, read, top)


def summarise(cases, read, top=20):
    n = len(cases)
    ranks = [c.rank for c in cases]
    recall = {k: (sum(1 for r in ranks if r is not None and r <= k) / n if n else None) for k in RECALL_AT}
    mrr = sum(1.0 / r for r in ranks if r) / n if n else None
    worst = sorted(cases, key=lambda c: (c.rank is not None, -(c.rank or 0)))[: min(top, 10)]
    return {
        "records_read": read,
        "cases": n,
        "recall": recall,
        "mrr": mrr,
        "median_rank": float(np.median([r for r in ranks if r])) if any(ranks) else None,
        "worst": [case.__dict__ for case in worst],
        "all": [case.__dict__ for case in cases],
    }
