"""Evaluation harness: does the ranking put the real winner of a past contract near the top?

Every record of a DECP file is a case. The contract is scored as a lot against the whole directory
WITHOUT that contract as evidence (its won-contract competence is left out), and the winner's rank is
kept — one answer per company (SIREN), as the lot page shows them, ties counted at their mean rank. A
record whose winner is not in the directory, whose CPV code is missing or whose place cannot be
resolved counts as a miss and is listed with its reason: the figures are over EVERY record.

Dentelle is measured in the same run, on the same records and the same places, beside two baselines:
"nearest structure first" and "nearest structure of a kind suited to the lot" (staff provision →
AI/ETTI/GEIQ, otherwise ACI/EI/EA/ESAT). `cross_validate` refits the criteria exponents leaving out all
the contracts of one holder at a time and ranks the held-out contracts with the refitted exponents.
"""

from dataclasses import dataclass, field, replace

import numpy as np

from dentelle.core.geo import haversine_many
from dentelle.decp.readers import iter_decp
from dentelle.matching.description import LotDescription, query_of
from dentelle.matching.index import get_structure_index
from dentelle.matching.kind import EXCLUDED_KINDS
from dentelle.matching.places import place_of
from dentelle.matching.scoring import score_all
from dentelle.matching.weights import CRITERIA, load_weights
from dentelle.referentials.places import resolve_place

RECALL_AT = (1, 5, 10, 20)
SYSTEMS = {
    "dentelle": "Dentelle",
    "nearest": "Structure la plus proche d'abord",
    "nearest_suited_kind": "La plus proche d'un type adapté d'abord",
}
SUITED_KINDS = {
    "staff_provision": frozenset({"AI", "ETTI", "GEIQ"}),
    "other": frozenset({"ACI", "EI", "EA", "ESAT"}),
}
MISS_REASONS = {
    "holder_not_in_directory": "titulaire absent de l'annuaire",
    "no_cpv": "code CPV absent ou invalide",
    "place_unresolved": "lieu d'exécution non résolu",
    "not_eligible": "titulaire inactif ou exclu",
}


@dataclass
class EvaluatedCase:
    record_id: str
    object: str
    cpv: str
    place: str
    holder_name: str
    holder_siret: str
    ranks: dict = field(default_factory=dict)  # system → rank (None: miss)
    score: float = 0.0
    distance_km: float | None = None
    miss_reason: str = ""
    top_names: list = field(default_factory=list)
    group: str = ""  # holder SIREN, for leave-one-holder-out


def nature_of_cpv(cpv):
    """DECP v1 'nature' is the contract form; the works/services/supplies kind comes from the CPV."""
    if not cpv:
        return "services"
    division = int(cpv[:2])
    if division == 45:
        return "works"
    return "supplies" if division < 45 or division == 48 else "services"


def place_of_record(record):
    """Place of a record's place of execution (code, its type and name read together, as the
    referentials resolver does for plans), refined by the buyer's commune when the place is a
    department or wider and the buyer's name names a commune inside it: a départemental OPH or a town
    executes its contract around its own site, not at the department's centre."""
    resolved = resolve_place(record.place_name or "", record.place_code or "", record.place_type or "")
    place = place_of(resolved.kind, resolved.code, resolved.name) if resolved else None
    if place is None or place.kind == "commune":
        return place
    for buyer_place in _buyer_places(record, place):
        if (
            buyer_place is not None
            and buyer_place.latitude is not None
            and buyer_place.kind in {"commune", "epci", "ept"}
            and (place.is_national or set(buyer_place.department_codes) & set(place.department_codes))
        ):
            return replace(
                place, latitude=buyer_place.latitude, longitude=buyer_place.longitude, site_known=True
            )
    return place


def _buyer_places(record, place):
    """Places named by the buyer's name: alone ("Mairie d'Aix en Provence", an EPCI's name), then read
    within the department of execution ("Ville de Saint-Louis" in Haut-Rhin, not in Réunion)."""
    name = record.buyer_name or ""
    if not name:
        return
    for code, kind in ((None, None), *((c, "Code département") for c in place.department_codes[:1])):
        resolved = resolve_place(name, code, kind)
        yield place_of(resolved.kind, resolved.code, resolved.name) if resolved else None


def facts_of_record(record):
    return LotDescription(
        cpv_codes=[record.cpv] if record.cpv else [],
        amount=float(record.amount) if record.amount is not None else None,
        duration_months=record.duration_months,
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


def company_rank(score, eligible, siren, winners):
    """Rank of the best winner row among companies (one best row per SIREN), ties at their mean rank;
    None when no winner row is eligible."""
    rows = [r for r in winners if eligible[r]]
    if not rows:
        return None
    candidates = np.flatnonzero(eligible)
    others = candidates[~np.isin(siren[candidates], [siren[r] for r in rows])]
    _, company = np.unique(siren[others], return_inverse=True)
    best = np.full(company.max() + 1 if others.size else 0, -np.inf)
    np.maximum.at(best, company, score[others])
    target = max(score[r] for r in rows)
    better = int((best > target).sum())
    tied = int((best == target).sum())
    return 1.0 + better + tied / 2.0


def baseline_scores(arrays, query, mode):
    """(nearest first, nearest suited kind first) scores: minus the distance to the lot's point."""
    place = query.place
    if place is not None and place.latitude is not None:
        distance = haversine_many(
            arrays.lat_rad, arrays.lon_rad, arrays.cos_lat, place.latitude, place.longitude
        )
    else:
        distance = np.zeros(arrays.n)
    nearest = -np.nan_to_num(distance, nan=1e5)
    suited = SUITED_KINDS["staff_provision" if mode == "staff_provision" else "other"]
    suited_mask = np.isin(arrays.kinds, list(suited))
    return nearest, nearest + 1e6 * suited_mask


class Evaluation:
    """Runs the three systems over every record of one or more DECP files."""

    def __init__(self, arrays=None, weights=None, keep_features=False):
        self.arrays = arrays if arrays is not None else get_structure_index()
        self.weights = weights or load_weights()
        self.by_siret = {siret: row for row, siret in enumerate(self.arrays.sirets) if siret}
        self.by_siren = {}
        for row, siret in enumerate(self.arrays.sirets):
            if siret:
                self.by_siren.setdefault(siret[:9], []).append(row)
        self.base_eligible = self.arrays.active & ~np.isin(self.arrays.kinds, list(EXCLUDED_KINDS))
        self.cases, self.read, self.cache = [], 0, {}
        self.keep_features = keep_features
        self.features = []  # per case: (log parts (n, criteria), eligible, winner rows) for cross-validation

    def add_file(self, path, problems=None):
        for record in iter_decp(path, problems):
            self.read += 1
            self.cases.append(self.evaluate_record(record))
            if len(self.features) < len(self.cases):  # a miss has no features
                self.features.append(None)

    def evaluate_record(self, record):
        arrays = self.arrays
        rows = winner_rows(record, arrays, self.by_siret, self.by_siren)
        holder = record.holders[0] if record.holders else None
        case = EvaluatedCase(
            record_id=record.id or record.uid,
            object=(record.object or "")[:120],
            cpv=record.cpv,
            place=f"{record.place_type} {record.place_code} {record.place_name}".strip(),
            holder_name=(holder.name if holder else "") or "",
            holder_siret=(holder.id if holder else "") or "",
            ranks=dict.fromkeys(SYSTEMS),
            group="".join(ch for ch in (holder.id if holder else "") if ch.isdigit())[:9],
        )
        if not rows:
            case.miss_reason = "holder_not_in_directory"
            return case
        shown = min(rows)
        case.holder_name, case.holder_siret = arrays.names[shown], arrays.sirets[shown]
        case.group = arrays.sirets[shown][:9] or case.group
        if not record.cpv:
            case.miss_reason = "no_cpv"
            return case
        place = place_of_record(record)
        if place is None:
            case.miss_reason = "place_unresolved"
            return case
        query = replace(query_of(facts_of_record(record)), place=place)
        result = score_all(
            query, arrays, self.weights, exclude_evidence={record.id, record.uid} - {""}, cache=self.cache
        )
        nearest, suited = baseline_scores(arrays, query, result.mode)
        siren = arrays.siren
        case.ranks = {
            "dentelle": company_rank(result.score, result.eligible, siren, rows),
            "nearest": company_rank(nearest, self.base_eligible, siren, rows),
            "nearest_suited_kind": company_rank(suited, self.base_eligible, siren, rows),
        }
        if case.ranks["dentelle"] is None:
            case.miss_reason = "not_eligible"
        best = max(rows, key=lambda r: result.score[r])
        case.score = float(result.score[best])
        distance = result.distance_km[best]
        case.distance_km = None if np.isnan(distance) else round(float(distance), 1)
        case.top_names = [arrays.names[r] for r in result.top(3, distinct=siren)]
        if self.keep_features:
            floor = self.weights.floor
            logs = np.stack([np.log(np.maximum(result.parts[c], floor)) for c in CRITERIA], axis=1)
            self.features.append((logs, result.eligible.copy(), sorted(rows)))
        return case

    def summary(self, top=10):
        return summarise(self.cases, self.read, top)


def metrics(ranks):
    """recall@k and MRR over every case (a miss counts as rank infinity)."""
    n = len(ranks)
    if not n:
        return {"recall": dict.fromkeys(RECALL_AT), "mrr": None, "median_rank": None}
    found = [r for r in ranks if r is not None]
    return {
        "recall": {k: sum(1 for r in found if r <= k) / n for k in RECALL_AT},
        "mrr": sum(1.0 / r for r in found) / n,
        "median_rank": float(np.median(found)) if found else None,
    }


def summarise(cases, read, top=10):
    systems = {name: metrics([c.ranks.get(name) for c in cases]) for name in SYSTEMS}
    misses = [c for c in cases if c.miss_reason]
    worst = sorted(cases, key=lambda c: -(c.ranks.get("dentelle") or float("inf")))[:top]
    return {
        "records_read": read,
        "cases": len(cases),
        "systems": systems,
        "labels": SYSTEMS,
        "misses": {reason: sum(1 for c in misses if c.miss_reason == reason) for reason in MISS_REASONS},
        "miss_labels": MISS_REASONS,
        "worst": [case.__dict__ for case in worst],
        "all": [case.__dict__ for case in cases],
    }


def evaluate_file(path, top=10, arrays=None, problems=None):
    """Figures of every record of one DECP file (see `summarise`)."""
    evaluation = Evaluation(arrays)
    evaluation.add_file(path, problems)
    return evaluation.summary(top)


def fit_exponents(features, l2=0.05, iterations=40):
    """Criteria exponents maximising the conditional likelihood that the winner is picked among the
    eligible structures (log-linear score = Σ exponent × log part), by damped Newton steps."""
    data = [(logs[eligible], np.isin(np.flatnonzero(eligible), rows)) for logs, eligible, rows in features]
    data = [(x, y) for x, y in data if y.any()]
    k = len(CRITERIA)

    def objective(w):
        loss, grad, hess = 0.0, np.zeros(k), np.zeros((k, k))
        for x, y in data:
            s = x @ w
            top = s.max()
            e = np.exp(s - top)
            p = e / e.sum()
            q = np.where(y, e, 0.0)
            q /= q.sum()
            loss -= np.log(e[y].sum()) - np.log(e.sum())
            mean = x.T @ p
            grad += x.T @ (p - q)
            hess += (x * p[:, None]).T @ x - np.outer(mean, mean)
        n = max(len(data), 1)
        return loss / n + 0.5 * l2 * w @ w, grad / n + l2 * w, hess / n + l2 * np.eye(k)

    w = np.ones(k)
    loss, grad, hess = objective(w)
    for _ in range(iterations):
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-4:
            candidate = w - t * step
            new_loss, new_grad, new_hess = objective(candidate)
            if new_loss <= loss:
                break
            t /= 2
        if loss - new_loss < 1e-9:
            return candidate if new_loss <= loss else w
        w, loss, grad, hess = candidate, new_loss, new_grad, new_hess
    return w


def cross_validate(evaluation):
    """Leave-one-holder-out: refit the exponents without all the contracts of a holder, rank those
    contracts with the refitted exponents (misses stay misses). Returns (metrics, exponents on all)."""
    siren = evaluation.arrays.siren
    groups = sorted({c.group for c, f in zip(evaluation.cases, evaluation.features, strict=True) if f})
    ranks = [None] * len(evaluation.cases)
    for group in groups:
        train = [
            f for c, f in zip(evaluation.cases, evaluation.features, strict=True) if f and c.group != group
        ]
        w = fit_exponents(train)
        for i, (case, feature) in enumerate(zip(evaluation.cases, evaluation.features, strict=True)):
            if feature and case.group == group:
                logs, eligible, rows = feature
                ranks[i] = company_rank(logs @ w, eligible, siren, rows)
    overall = fit_exponents([f for f in evaluation.features if f])
    return metrics(ranks), dict(zip(CRITERIA, (float(v) for v in overall), strict=True))
