# pure: no database
"""The allotment's mixed-integer model for HiGHS (pure, no Django): candidate centres, which site may
join which centre, the « served » and plain copies of a centre, the objective, the constraints and the
department split as first incumbent. Solving it and reading its solution: allotment_milp.py.
Formulation and choices: docs/adr/0008-allotissement-optimise.md.
"""

import math
from dataclasses import dataclass

import highspy
import numpy as np

from dentelle.purchases.allotment_lots import able_around, department_split, distances_km, unit_of


@dataclass
class Model:
    """The built model and what reading its solution needs. Columns: x_k for each allowed (site,
    centre copy) pair of ``pairs``, then y_j (the lot of copy j is open)."""

    lp: highspy.HighsLp
    pairs: np.ndarray  # (site, copy) of each x column, row-major
    copy_of: np.ndarray  # candidate centre of each copy
    c_lat: np.ndarray  # candidate centres
    c_lon: np.ndarray
    able: np.ndarray  # able structures around each candidate centre
    caps: np.ndarray  # their summed capacity
    dist: np.ndarray  # site × copy, km
    allowed: np.ndarray  # site × copy
    start: list | None  # the department split's column values, None when the limits exclude it


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


def _allowed(sites, dist, params):
    """Site × candidate compatibility: distance limit and same territorial unit (a centre belongs
    to the unit of its nearest site)."""
    allowed = dist <= params.max_km
    if params.same_unit:
        units = np.array([unit_of(s, params.same_unit) for s in sites])
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


def _objective(amount, pairs, served, dist, allowed, m):
    """Objective in euros (amount in served lots), then compact lots: the amount-weighted distance of
    the sites to their centre costs at most half the smallest site's amount in all, so it never
    outweighs serving one more site (lexicographic); then fewer lots (less than 0.05 € in all)."""
    nx = len(pairs)
    total = float(amount.sum()) or 1.0
    max_d = float(dist[allowed].max()) if allowed.any() else 1.0
    cost = np.zeros(nx + m)
    smallest = float(amount[amount > 0].min()) if (amount > 0).any() else 1.0
    cost[:nx] = amount[pairs[:, 0]] * served[pairs[:, 1]]
    cost[:nx] -= (
        0.5 * smallest * amount[pairs[:, 0]] / total * dist[pairs[:, 0], pairs[:, 1]] / max(max_d, 1e-9)
    )
    cost[nx:] = -0.05 / m
    return cost


def _constraints(sites, amount, pairs, copy_of, served, caps, n, m, params):
    """The rows, each as (columns, coefficients, lower, upper)."""
    y0 = len(pairs)
    rows = []

    def row(cols, vals, lo, hi):
        rows.append((cols, vals, lo, hi))

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
    row(list(range(y0, y0 + m)), [1.0] * m, float(params.min_lots), float(params.max_lots))
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
    return rows


def _lp(cost, rows):
    """A maximisation over binary columns, its matrix stored row-wise."""
    ncol = len(cost)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = ncol, len(rows)
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, np.zeros(ncol), np.ones(ncol)
    lp.row_lower_ = np.array([lo for _c, _v, lo, _h in rows])
    lp.row_upper_ = np.array([hi for _c, _v, _l, hi in rows])
    lp.sense_ = highspy.ObjSense.kMaximize
    starts, index_, values = [0], [], []
    for cols, vals, _lo, _hi in rows:
        index_.extend(cols)
        values.extend(vals)
        starts.append(len(index_))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index_, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(values, dtype=float)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * ncol
    return lp


def build_model(sites, structures, params):
    """The model of assigning ``sites`` (at least one) to lots under ``params``."""
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
    able, caps = able_around(c_lat, c_lon, structures, params.radius_km)
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
    pairs = np.argwhere(allowed)  # (site, copy), row-major: deterministic column order
    cost = _objective(amount, pairs, served, dist, allowed, m)
    rows = _constraints(sites, amount, pairs, copy_of, served, caps, n, m, params)
    start = _baseline_start(
        sites, base_lots, len(cand), copy_of, served, caps, pairs, len(cost), len(pairs), params
    )
    return Model(_lp(cost, rows), pairs, copy_of, c_lat, c_lon, able, caps, dist, allowed, start)
