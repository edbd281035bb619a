# pure: no database
"""The scanner's rules in the order they run on a lot (pure). R5 (carve-outs) reads the operation's
line items rather than the lot and runs after them, from ``works.carve_outs``."""

from dentelle.purchases.screening import (
    r1_clause,
    r2_obligation,
    r3_reservation,
    r4_allotment,
    r6_new_sector,
    r7_award_criterion,
)

# Each check takes (facts, family, estimate, thresholds, rules) and returns a FindingDraft or None.
LOT_RULES = (
    r1_clause.check,
    r2_obligation.check,
    r3_reservation.check,
    r4_allotment.check,
    r6_new_sector.check,
    r7_award_criterion.check,
)
