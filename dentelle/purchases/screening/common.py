# pure: no database
"""What the scanner's rules share (pure): the [screening] settings, the cached hours estimate and
thresholds, the capped-volume figures and R1's finding."""

from functools import lru_cache

from dentelle.purchases.enums import FindingKind
from dentelle.purchases.screening.data import FindingDraft, estimate_figures
from dentelle.purchases.screening.plausibility import plausible_hours
from dentelle.rules.hours import estimate_for_family
from dentelle.rules.thresholds import thresholds_at

CLAUSE_BASIS = "CCP L2112-2 (condition d'exécution) ; CCAG 2021 art. 16.1"


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


def clause_finding(reasons, hours, nature, rules, figures):
    """R1's finding for ``hours`` estimated (a lot's estimate, or the sum of a works operation's lines),
    held to what is plausible for the nature; ``figures(volume)`` gives its figures."""
    volume = plausible_hours(hours, nature, rules)
    if volume.capped:
        reasons.append(volume.reason)
    return FindingDraft(
        "R1-clause", FindingKind.SOCIAL_CLAUSE, reasons, CLAUSE_BASIS, figures(volume), volume.hours
    )
