# pure: no database
"""What the scanner's rules share (pure): the [screening] settings, the cached hours estimate and
thresholds, and the capped-volume figures."""

from functools import lru_cache

from dentelle.purchases.screening.data import estimate_figures
from dentelle.rules.hours import estimate_for_family
from dentelle.rules.thresholds import thresholds_at


@lru_cache(maxsize=64)
def settings(rules):
    """The [screening] values of a rules object, read once (the scanner asks for them on every lot)."""
    return {key: param.value for key, param in rules.screening.items()}


@lru_cache(maxsize=8192)  # bounded: about 1.5 kB per estimate, and the web process lives long
def estimate(amount, family, duration_months, transferred_staff_monthly_hours, rounding):
    # Plans repeat the same amounts for the same trades; estimates are read-only here, so share them.
    return estimate_for_family(amount, family, duration_months, transferred_staff_monthly_hours, rounding)


@lru_cache(maxsize=256)
def thresholds(when, rules):
    return thresholds_at(when, rules)


def with_cap(estimate, volume):
    """The estimate's figures, plus the chain figure and the ceiling when the volume was capped."""
    if not volume.capped:
        return estimate
    return lambda: {**estimate_figures(estimate), **volume.figures()}
