# pure: no database
"""Fine territorial allotment of a multi-site contract, on the HiGHS MILP solver (pure, no Django).

Sites (point, amount, territories) are assigned to lots opened at candidate centres. The model
maximises the amount that lies in « served » lots: lots whose centre has at least ``min_able``
able structures within ``radius_km`` and whose amount fits the yearly capacity of those
structures. The able structures are given by the caller, already filtered with the matching
engine's one definition (dentelle/matching/able.py); this module only counts them around points.
Formulation and choices: docs/adr/0008-allotissement-optimise.md.

The baseline (:func:`department_split`) is today's R4: one lot per department, same figures.
"""

import math
import os
import sys
from dataclasses import dataclass, field

import highspy
import numpy as np

EARTH_KM = 6371.0
RESERVED = "Réservé SIAE (L2113-13)"
CLAUSE = "Clause sociale d'insertion"
NOTHING = "Aucune mesure"


@dataclass(frozen=True)
class Site:
    key: str
    name: str
    lat: float
    lon: float
    amount: float
    department: str = ""
    ept: str = ""
    epci: str = ""
    group: str = ""  # sites sharing a non-empty group must stay in the same lot


@dataclass(frozen=True)
class Structure:
    """One able structure (already filtered by the matching engine) and its yearly capacity in €."""

    key: str
    lat: float
    lon: float
    capacity: float


@dataclass(frozen=True)
class Params:
    min_lots: int = 1
    max_lots: int = 8
    min_lot_amount: float = 0.0
    max_lot_amount: float = math.inf
    max_km: float = math.inf  # site → lot centre
    same_unit: str = ""  # "" | "department" | "ept" | "epci"
    radius_km: float = 30.0  # able structures counted within this distance of the lot centre
    min_able: int = 3
    hours_per_euro: float = 0.0  # insertion hours of a social clause per € of lot amount
    time_limit: float = 10.0
    candidates: int = 50
    nearest: int = 20  # each site may join one of its 20 nearest allowed centres (0: any)


@dataclass
class Lot:
    label: str
    centre: tuple
    sites: list
    amount: float
    able: int
    capacity: float
    max_km: float
    measure: str = NOTHING
    hours: float = 0.0
    reason: str = ""

    @property
    def served(self):
        return self.measure == RESERVED

    def as_dict(self):
        return {
            "label": self.label,
            "centre": list(self.centre),
            "sites": [s.key for s in self.sites],
            "amount": round(self.amount, 2),
            "able_structures": self.able,
            "capacity": round(self.capacity, 2),
            "max_km": round(self.max_km, 1),
            "measure": self.measure,
            "hours": self.hours,
            "reason": self.reason,
        }


@dataclass
class Proposal:
    method: str
    lots: list = field(default_factory=list)
    status: str = ""
    gap: float | None = None
    seconds: float = 0.0
    error: str = ""

    @property
    def ok(self):
        return not self.error

    def figures(self, params):
        total = sum(lot.amount for lot in self.lots) or 0.0
        able = sum(lot.amount for lot in self.lots if lot.able >= params.min_able)
        reserved = sum(lot.amount for lot in self.lots if lot.measure == RESERVED)
        return {
            "lots": len(self.lots),
            # amount in lots with ≥ min_able able structures near the centre (capacity aside)
            "able_share": able / total if total else 0.0,
            # amount in lots reservable to SIAE (enough able structures and capacity): the objective
            "reserved_share": reserved / total if total else 0.0,
            "reserved_lots": sum(1 for lot in self.lots if lot.measure == RESERVED),
            "hours": sum(lot.hours for lot in self.lots),
            "max_km": max((lot.max_km for lot in self.lots), default=0.0),
            # amount-weighted mean distance of a site to its lot's centre: how local the lots are
            "mean_km": _mean_km(self.lots),
        }

    def as_dict(self, params):
        return {
            "method": self.method,
            "status": self.status,
            "gap": self.gap,
            "seconds": round(self.seconds, 3),
            "error": self.error,
            "figures": self.figures(params),
            "lots": [lot.as_dict() for lot in self.lots],
        }


def _mean_km(lots):
    weighted = amount = 0.0
    for lot in lots:
        if not lot.sites:
            continue
        d = distances_km(
            [s.lat for s in lot.sites], [s.lon for s in lot.sites], [lot.centre[0]], [lot.centre[1]]
        )
        a = np.array([s.amount for s in lot.sites])
        weighted += float(a @ d[:, 0])
        amount += float(a.sum())
    return weighted / amount if amount else 0.0


def distances_km(lat1, lon1, lat2, lon2):
    """Great-circle distances between every point of set 1 (rows) and set 2 (columns)."""
    p1, p2 = np.radians(np.asarray(lat1, float))[:, None], np.radians(np.asarray(lat2, float))[None, :]
    dl = np.radians(np.asarray(lon2, float))[None, :] - np.radians(np.asarray(lon1, float))[:, None]
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def candidate_centres(sites, count):
    """Deterministic candidates: farthest-point sampling over the sites, from the heaviest one."""
    lat = np.array([s.lat for s in sites])
    lon = np.array([s.lon for s in sites])
    count = min(count, len(sites))
    first = max(range(len(sites)), key=lambda i: (sites[i].amount, -i))
    chosen = [first]
    nearest = distances_km(lat, lon, lat[[first]], lon[[first]])[:, 0]
    while len(chosen) < count:
        nxt = int(np.argmax(nearest))  # argmax returns the first maximum: deterministic
        if nearest[nxt] <= 0:
            break
        chosen.append(nxt)
        nearest = np.minimum(nearest, distances_km(lat, lon, lat[[nxt]], lon[[nxt]])[:, 0])
    return chosen


def _able_around(points_lat, points_lon, structures, radius_km):
    if not structures:
        zeros = np.zeros(len(points_lat))
        return zeros.astype(int), zeros
    d = distances_km(points_lat, points_lon, [s.lat for s in structures], [s.lon for s in structures])
    near = d <= radius_km
    caps = np.array([s.capacity for s in structures])
    return near.sum(axis=1), near.astype(float) @ caps


def _measure(lot, params):
    if lot.able >= params.min_able and lot.amount <= lot.capacity:
        lot.measure = RESERVED
        lot.reason = (
            f"{lot.able} structures aptes à moins de {params.radius_km:g} km du centre du lot, "
            f"capacité suffisante pour le montant."
        )
        if params.hours_per_euro > 0:
            # At least the clause's volume: in a reserved lot the holder's own staff is in insertion.
            lot.hours = float(round(lot.amount * params.hours_per_euro))
    else:
        if lot.able < params.min_able:
            why = f"Seulement {lot.able} structure(s) apte(s) à proximité (il en faut {params.min_able})."
        else:
            why = "Capacité des structures aptes proches inférieure au montant du lot."
        if params.hours_per_euro > 0:
            lot.measure = CLAUSE
            lot.hours = float(round(lot.amount * params.hours_per_euro))
            lot.reason = why
        else:
            lot.measure = NOTHING
            lot.reason = f"{why} Pas de volume d'heures estimable pour une clause."
    return lot


def _unit(site, kind):
    return getattr(site, kind) if kind else ""


def _allowed(sites, dist, params):
    """Site × candidate compatibility: distance limit and same territorial unit (a centre belongs
    to the unit of its nearest site)."""
    allowed = dist <= params.max_km
    if params.same_unit:
        units = np.array([_unit(s, params.same_unit) for s in sites])
        allowed &= units[:, None] == units[np.argmin(dist, axis=0)][None, :]
    return allowed


def _nearest(sites, dist, allowed, count, base_lots, first_base):
    """Each site × its ``count`` nearest allowed centres, and its department's centre (so that the
    department split stays a solution). A site never goes to a far centre while near ones can take it:
    the model shrinks (2,000 sites: 116,000 → 40,000 pairs) and solves within its time limit."""
    d = np.where(allowed, dist, np.inf)
    kth = np.partition(d, count - 1, axis=1)[:, count - 1 : count]
    near = d <= kth
    lot_of = {s.key: b for b, lot in enumerate(base_lots) for s in lot.sites}
    near[np.arange(len(sites)), first_base + np.array([lot_of[s.key] for s in sites])] = True
    return near


def _explain(sites, allowed, params):
    """French explanation of an infeasible model: which constraint to relax."""
    lonely = [sites[i].name for i in np.flatnonzero(~allowed.any(axis=1))]
    if lonely:
        limit = (
            f"à moins de {params.max_km:g} km"
            if params.same_unit == ""
            else f"dans le même territoire ({params.same_unit}) et à moins de {params.max_km:g} km"
        )
        return (
            f"{len(lonely)} site(s) n'ont aucun centre de lot possible {limit} (ex. : {lonely[0]}) : "
            "augmentez la distance maximale ou retirez la contrainte de territoire."
        )
    total = sum(s.amount for s in sites)
    if params.min_lots * params.min_lot_amount > total:
        return (
            f"{params.min_lots} lots d'au moins {params.min_lot_amount:,.0f} € dépassent le montant total "
            f"({total:,.0f} €) : baissez le nombre minimal de lots ou le montant minimal d'un lot."
        ).replace(",", " ")
    if params.max_lots * params.max_lot_amount < total:
        return (
            f"{params.max_lots} lots d'au plus {params.max_lot_amount:,.0f} € ne couvrent pas le montant total "
            f"({total:,.0f} €) : augmentez le nombre maximal de lots ou le montant maximal d'un lot."
        ).replace(",", " ")
    big = [s for s in sites if s.amount > params.max_lot_amount]
    if big:
        return f"Le site « {big[0].name} » dépasse à lui seul le montant maximal d'un lot : augmentez ce montant."
    return (
        "Aucun découpage ne respecte ensemble le nombre de lots, les montants minimal et maximal, "
        "la distance et les sites à garder ensemble : relâchez d'abord les montants minimal et maximal, "
        "puis la distance maximale."
    )


def _baseline_start(sites, base_lots, first, copy_of, served, caps, pairs, ncol, y0, params):
    """Column values of the department split in the model, or None when the officer's limits exclude it."""
    if not params.min_lots <= len(base_lots) <= params.max_lots:
        return None
    index = {(int(i), int(j)): k for k, (i, j) in enumerate(pairs)}
    position = {s.key: i for i, s in enumerate(sites)}
    values = np.zeros(ncol)
    for b, lot in enumerate(base_lots):
        if not params.min_lot_amount <= lot.amount <= params.max_lot_amount:
            return None
        copies = np.flatnonzero(copy_of == first + b)
        fits = [j for j in copies if not served[j] or lot.amount <= caps[copy_of[j]]]
        if not fits:
            return None
        j = int(min(fits, key=lambda c: not served[c]))  # the served copy when the lot fits it
        for site in lot.sites:
            k = index.get((position[site.key], j))
            if k is None:  # beyond the distance or territory limit
                return None
            values[k] = 1.0
        values[y0 + j] = 1.0
    return list(values)


def _gap(info, total):
    """Relative optimality gap. HiGHS's dual bound can stay above the plain bound of this objective
    (every site served, no distance: the total amount) when the time limit stops it early; the smaller
    of the two is a valid bound, and the gap is measured against it."""
    objective = float(info.objective_function_value)
    bound = float(info.mip_dual_bound)
    if not math.isfinite(objective):
        return None
    bound = min(bound, total) if math.isfinite(bound) else total
    gap = max(0.0, bound - objective) / max(abs(objective), 1e-9)
    return min(gap, float(info.mip_gap)) if math.isfinite(info.mip_gap) else gap


def _quiet_highs():
    """A silent solver: HiGHS prints its banner on the process's own stdout (file descriptor 1) when
    it is created, which would corrupt `dentelle allot --json`; the descriptor is muted meanwhile."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


def optimise(sites, structures, params=Params()):
    """Assign ``sites`` to lots; returns a :class:`Proposal` (``error`` set, in French, when infeasible)."""
    proposal = Proposal(method="optimiseur")
    if not sites:
        proposal.error = "Aucun site : rien à répartir."
        return proposal
    if params.min_lots > params.max_lots:
        proposal.error = "Le nombre minimal de lots dépasse le nombre maximal : corrigez l'un des deux."
        return proposal
    lat = np.array([s.lat for s in sites])
    lon = np.array([s.lon for s in sites])
    amount = np.array([s.amount for s in sites], float)
    cand = candidate_centres(sites, params.candidates)
    # The department split's centres are candidates too: the baseline is then one feasible
    # solution whenever the officer's limits allow it, so the optimum is never worse than it.
    base_lots = department_split(sites, [], params).lots
    base = [lot.centre for lot in base_lots]
    c_lat = np.concatenate([lat[cand], [c[0] for c in base]])
    c_lon = np.concatenate([lon[cand], [c[1] for c in base]])
    dist = distances_km(lat, lon, c_lat, c_lon)
    allowed = _allowed(sites, dist, params)
    if params.nearest and allowed.shape[1] > params.nearest:
        allowed &= _nearest(sites, dist, allowed, params.nearest, base_lots, len(cand))
    able, caps = _able_around(c_lat, c_lon, structures, params.radius_km)
    # A centre with enough able structures comes twice: a « served » copy whose lot must fit the
    # capacity and counts in the objective, and a plain copy (no capacity, counts for nothing).
    # This avoids a big-M between « served » and the lot amount, whose LP bound is useless.
    # When the capacity cannot bind (it covers every possible lot) the plain copy is dominated by the
    # served one and is left out: fewer symmetric columns, much faster proofs.
    good = able >= params.min_able
    ample = caps >= min(params.max_lot_amount, float(amount.sum()))
    plain = np.flatnonzero(~(good & ample))
    good = np.flatnonzero(good)
    copy_of = np.concatenate([good, plain])
    served = np.concatenate([np.ones(len(good), bool), np.zeros(len(plain), bool)])
    dist, allowed = dist[:, copy_of], allowed[:, copy_of]
    n, m = len(sites), len(copy_of)
    total = float(amount.sum()) or 1.0
    max_d = float(dist[allowed].max()) if allowed.any() else 1.0

    pairs = np.argwhere(allowed)  # (site, copy), row-major: deterministic column order
    nx = len(pairs)
    y0 = nx  # columns: x_ij for allowed pairs, then y_j open
    ncol = nx + m
    cost = np.zeros(ncol)
    # Objective in euros (amount in served lots), then compact lots: the amount-weighted distance of
    # the sites to their centre costs at most half the smallest site's amount in all, so it never
    # outweighs serving one more site (lexicographic); then fewer lots (less than 0.05 € in all).
    smallest = float(amount[amount > 0].min()) if (amount > 0).any() else 1.0
    cost[:nx] = amount[pairs[:, 0]] * served[pairs[:, 1]]
    cost[:nx] -= (
        0.5 * smallest * amount[pairs[:, 0]] / total * dist[pairs[:, 0], pairs[:, 1]] / max(max_d, 1e-9)
    )
    cost[y0:] = -0.05 / m
    lower = np.zeros(ncol)
    upper = np.ones(ncol)
    integrality = [highspy.HighsVarType.kInteger] * ncol

    rows, rlo, rhi = [], [], []

    def row(cols, vals, lo, hi):
        rows.append((cols, vals))
        rlo.append(lo)
        rhi.append(hi)

    by_site = [[] for _ in range(n)]
    by_cand = [[] for _ in range(m)]
    for k, (i, j) in enumerate(pairs):
        by_site[i].append(k)
        by_cand[j].append(k)
    for i in range(n):  # every site in exactly one lot
        row(by_site[i], [1.0] * len(by_site[i]), 1.0, 1.0)
    for k, (_i, j) in enumerate(pairs):  # x_ij ≤ y_j
        row([k, y0 + j], [1.0, -1.0], -highspy.kHighsInf, 0.0)
    for j in range(m):
        ks = by_cand[j]
        a = [float(amount[pairs[k, 0]]) for k in ks]
        # min_amount·y_j ≤ Σ a_i x_ij ≤ max_amount·y_j (and capacity·y_j on a served copy)
        row(ks + [y0 + j], a + [-params.min_lot_amount], 0.0, highspy.kHighsInf)
        row(ks + [y0 + j], [1.0] * len(ks) + [-1.0], 0.0, highspy.kHighsInf)  # an open lot has a site
        upper_amount = min(params.max_lot_amount, float(caps[copy_of[j]]) if served[j] else math.inf)
        if math.isfinite(upper_amount):
            row(ks + [y0 + j], a + [-upper_amount], -highspy.kHighsInf, 0.0)
    row(list(range(y0, ncol)), [1.0] * m, float(params.min_lots), float(params.max_lots))
    # Sites that must stay together: x_ij = x_kj for every candidate (forbidden pairs stay at 0).
    index = {(int(i), int(j)): k for k, (i, j) in enumerate(pairs)}
    groups = {}
    for i, s in enumerate(sites):
        if s.group:
            groups.setdefault(s.group, []).append(i)
    for members in groups.values():
        head = members[0]
        for other in members[1:]:
            for j in range(m):
                a, b = index.get((head, j)), index.get((other, j))
                if a is None and b is None:
                    continue
                cols, vals = [], []
                if a is not None:
                    cols.append(a)
                    vals.append(1.0)
                if b is not None:
                    cols.append(b)
                    vals.append(-1.0)
                row(cols, vals, 0.0, 0.0)

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = ncol, len(rows)
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lower, upper
    lp.row_lower_, lp.row_upper_ = np.array(rlo), np.array(rhi)
    lp.sense_ = highspy.ObjSense.kMaximize
    starts, index_, values = [0], [], []
    for cols, vals in rows:
        index_.extend(cols)
        values.extend(vals)
        starts.append(len(index_))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index_, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(values, dtype=float)
    lp.integrality_ = integrality

    h = _quiet_highs()
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("time_limit", float(params.time_limit))
    # 0.1 % of the objective: the served amount is proven; the compactness term (at most half the
    # smallest site) may lie within that tolerance. A tighter gap was tried: on the demo it made HiGHS
    # spend its time limit proving distances and return less compact lots (ADR 0008).
    h.setOptionValue("mip_rel_gap", 1e-3)
    h.passModel(lp)
    start = _baseline_start(sites, base_lots, len(cand), copy_of, served, caps, pairs, ncol, y0, params)
    if start is not None:  # the department split as first incumbent: never worse than it
        solution = highspy.HighsSolution()
        solution.col_value = start
        h.setSolution(solution)
    h.run()
    status = h.getModelStatus()
    proposal.seconds = h.getRunTime()
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if status == highspy.HighsModelStatus.kInfeasible or not has_solution:
        if status == highspy.HighsModelStatus.kTimeLimit:
            proposal.error = (
                f"Aucune solution trouvée dans la limite de {params.time_limit:g} s : "
                "augmentez la limite de temps ou relâchez les contraintes."
            )
        else:
            proposal.error = _explain(sites, allowed, params)
        proposal.status = h.modelStatusToString(status)
        return proposal
    proposal.status = "optimal" if status == highspy.HighsModelStatus.kOptimal else "limite de temps atteinte"
    proposal.gap = _gap(info, float(amount.sum()))
    x = np.asarray(h.getSolution().col_value)[:nx] > 0.5
    members = {}
    for k in np.flatnonzero(x):
        i, j = pairs[k]
        members.setdefault(int(j), []).append(int(i))
    for number, j in enumerate(sorted(members, key=lambda j: min(members[j])), start=1):
        ids = sorted(members[j])
        lot = Lot(
            label=f"Lot {number}",
            centre=(float(c_lat[copy_of[j]]), float(c_lon[copy_of[j]])),
            sites=[sites[i] for i in ids],
            amount=float(amount[ids].sum()),
            able=int(able[copy_of[j]]),
            capacity=float(caps[copy_of[j]]),
            max_km=float(dist[ids, j].max()),
        )
        proposal.lots.append(_measure(lot, params))
    return proposal


def baseline_limits(sites):
    """The limits under which the department split is itself a solution: as many lots as it has (at
    least 2), no site farther from its lot's centre than its farthest one (rounded up to 0.1 km). The
    lot page and R4 start from them, so the optimiser's lots are never worse than the split."""
    base = department_split(sites, []).lots
    farthest = max((lot.max_km for lot in base), default=0.0)
    return {"max_lots": max(2, len(base)), "max_km": math.ceil(farthest * 10 + 1e-9) / 10 or math.inf}


def department_split(sites, structures, params=Params(), unit="department"):
    """Baseline (today's R4): one lot per department, centred on its sites' amount-weighted centroid."""
    proposal = Proposal(method="découpage par département", status="—")
    units = {}
    for s in sites:
        units.setdefault(_unit(s, unit) or "?", []).append(s)
    keys = sorted(units)
    lats, lons = [], []
    for key in keys:
        members = units[key]
        w = np.array([max(s.amount, 1e-9) for s in members])
        lats.append(float(np.average([s.lat for s in members], weights=w)))
        lons.append(float(np.average([s.lon for s in members], weights=w)))
    able, caps = _able_around(lats, lons, structures, params.radius_km)
    for k, key in enumerate(keys):
        members = units[key]
        d = distances_km([s.lat for s in members], [s.lon for s in members], [lats[k]], [lons[k]])[:, 0]
        lot = Lot(
            label=f"Département {key}",
            centre=(lats[k], lons[k]),
            sites=members,
            amount=float(sum(s.amount for s in members)),
            able=int(able[k]),
            capacity=float(caps[k]),
            max_km=float(d.max()),
        )
        proposal.lots.append(_measure(lot, params))
    return proposal
