# pure: no database
"""The allotment's vocabulary and its baseline (pure, no Django): sites, able structures, limits, lots
and proposals; the measure a lot can carry (reserved, social clause or nothing) and why; the
department split (:func:`department_split`, today's R4: one lot per department, same figures) that the
optimiser (dentelle/purchases/allotment_milp.py) must never do worse than.
"""

import math
from dataclasses import dataclass, field

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


def able_around(points_lat, points_lon, structures, radius_km):
    """For each point: the number of able structures within ``radius_km`` and their summed capacity."""
    if not structures:
        zeros = np.zeros(len(points_lat))
        return zeros.astype(int), zeros
    d = distances_km(points_lat, points_lon, [s.lat for s in structures], [s.lon for s in structures])
    near = d <= radius_km
    caps = np.array([s.capacity for s in structures])
    return near.sum(axis=1), near.astype(float) @ caps


def measure_lot(lot, params):
    """Set the lot's measure, hours and French reason from its able structures and capacity."""
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


def unit_of(site, kind):
    """The site's territory of ``kind`` ("department", "ept", "epci"; "" for none)."""
    return getattr(site, kind) if kind else ""


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
        units.setdefault(unit_of(s, unit) or "?", []).append(s)
    keys = sorted(units)
    lats, lons = [], []
    for key in keys:
        members = units[key]
        w = np.array([max(s.amount, 1e-9) for s in members])
        lats.append(float(np.average([s.lat for s in members], weights=w)))
        lons.append(float(np.average([s.lon for s in members], weights=w)))
    able, caps = able_around(lats, lons, structures, params.radius_km)
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
        proposal.lots.append(measure_lot(lot, params))
    return proposal
