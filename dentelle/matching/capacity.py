# pure: no database
"""Capacity criterion: the lot's annual amount against what is known of a structure (pure: numpy).

Each known measure gives a sub-score; the tightest one wins. Unknown capacity is neutral
(`capacity.unknown` in the weights), never zero: most structures have not declared figures, so the
work is done on the few rows that have some.
"""

from collections.abc import Mapping

import numpy as np

from dentelle.core.formatting import format_amount

MEASURES = ("turnover", "largest_contract", "fte", "free_monthly_hours")


def _decay(ratio, zero_ratio):
    """1 while ratio ≤ 1, then log-linear down to 0 at `zero_ratio` (NaN stays NaN)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = 1.0 - np.log(np.maximum(ratio, 1.0)) / np.log(zero_ratio)
    return np.clip(value, 0.0, 1.0)


def _known(values):
    """Measure values with unknown (NaN) and non-positive figures as NaN."""
    return np.where(values > 0, values, np.nan)


def capacity_parts(arrays, annual_amount, params, rows=None):
    """Sub-score per measure for `rows` (all structures by default), NaN where unknown."""
    amount = float(annual_amount)
    pick = (lambda a: a) if rows is None else (lambda a: a[rows])
    with np.errstate(divide="ignore", invalid="ignore"):
        turnover_ratio = amount / (params["max_turnover_share"] * _known(pick(arrays.turnover)))
        contract_ratio = amount / (params["largest_contract_factor"] * _known(pick(arrays.largest_contract)))
        fte_ratio = (amount / params["revenue_per_fte"]) / (
            params["max_fte_share"] * _known(pick(arrays.fte))
        )
        hours_ratio = (amount / params["hourly_revenue"] / 12.0) / _known(pick(arrays.free_monthly_hours))
    return {
        "turnover": _decay(turnover_ratio, params["turnover_zero_ratio"]),
        "largest_contract": _decay(contract_ratio, params["largest_contract_zero_ratio"]),
        "fte": _decay(fte_ratio, params["fte_zero_ratio"]),
        "free_monthly_hours": _decay(hours_ratio, params["fte_zero_ratio"]),
    }


def capacity_scores(arrays, annual_amount, params):
    """Capacity part in [0, 1]: the tightest known measure; `unknown` when nothing is known.

    Returns (scores, parts) where parts maps each measure to a full-length array (NaN = unknown).
    """
    scores = np.full(arrays.n, params["unknown"])
    if annual_amount is None or annual_amount <= 0:
        return scores, {}
    rows = arrays.capacity_rows
    sub = capacity_parts(arrays, annual_amount, params, rows)
    stacked = np.vstack([sub[name] for name in MEASURES])
    known = ~np.all(np.isnan(stacked), axis=0)
    tightest = np.min(np.where(np.isnan(stacked), np.inf, stacked), axis=0)
    scores[rows[known]] = tightest[known]
    return scores, MeasureParts(arrays.n, rows, sub)


class MeasureParts(Mapping):
    """Per-measure sub-scores as full-length arrays (NaN = unknown), built only when read: the reasons
    and the lot warning read a few rows, while a 2,000-lot plan would otherwise fill 4 arrays per lot."""

    def __init__(self, n, rows, sub):
        self._n, self._rows, self._sub, self._full = n, rows, sub, {}

    def __getitem__(self, name):
        if name not in self._full:
            full = np.full(self._n, np.nan)
            full[self._rows] = self._sub[name]
            self._full[name] = full
        return self._full[name]

    def __iter__(self):
        return iter(MEASURES)

    def __len__(self):
        return len(MEASURES)


def _euros(value):
    return format_amount(value)


def oversize_warning(annual_amount, kinds, capacity, parts, typical_turnover, ratio):
    """Lot-level French warning when the lot is far above what the ranked structures can carry.

    `kinds`, `capacity` (the capacity part) and `parts` (per-measure, NaN = unknown) are those of the
    ranked structures. Fires when no ranked structure has a known capacity that suffices AND the annual
    amount exceeds `ratio` × the typical turnover of the largest kind among them. Per structure, unknown
    capacity stays neutral: this is a warning about the lot, not a score.
    """
    if not annual_amount or len(kinds) == 0:
        return None
    known = np.zeros(len(kinds), dtype=bool)
    for values in parts.values():
        known |= ~np.isnan(values)
    if np.any(known & (np.asarray(capacity) >= 0.999)):
        return None
    sizes = {kind: typical_turnover[kind] for kind in set(kinds) if kind in typical_turnover}
    if not sizes:
        return None
    largest = max(sizes, key=sizes.get)
    if annual_amount <= ratio * sizes[largest]:
        return None
    return (
        f"Montant élevé ({_euros(annual_amount)} par an) : aucune structure n'a de capacité connue "
        f"suffisante (chiffre d'affaires typique d'une structure {largest} : environ "
        f"{_euros(sizes[largest])}, ordre de grandeur à vérifier) — envisager l'allotissement."
    )


def network_factor(establishments, params):
    """Capacity proxy from the company's number of establishments in the directory."""
    if establishments is None or not params.get("exponent"):
        return 1.0
    cap = params["cap"]
    return (np.minimum(establishments, cap) / cap) ** params["exponent"]


def size_factor(fte, params):
    """Capacity proxy from a known workforce (ESAT authorised places, insertion + permanent FTE): larger
    structures hold more public contracts. Unknown size counts as `unknown_share` of the cap."""
    if fte is None or not params.get("exponent"):
        return 1.0
    cap = params["cap"]
    known = np.clip(np.nan_to_num(fte, nan=params["unknown_share"] * cap), 1.0, cap)
    return (known / cap) ** params["exponent"]
