# pure: no database
"""The opportunity scanner (pure): lot facts in, findings with reasons, legal basis and figures out.

Rules (ids are stable: decisions are kept across re-scans by ``(lot, rule_id, subject)``):

- R1-clause           social clause with estimated hours (labour-intensive trade, above the floors)
- R2-obligation-2026  mandatory social condition for consultations from 2026-08-22 at/above EU thresholds
- R3-reservation      reserve the lot (L2113-13, or L2113-12 for EA/ESAT) when enough able structures
- R4-allotment        split a multi-territory maintenance lot by department / EPT / EPCI
- R5-carve-out        carve SIAE-able line items out of a big works operation (small-lots exception)
- R6-new-sector       clause in a sector where clauses are rare (training) on the holder's support jobs
- R7-award-criterion  social award criterion where a calibrated clause does not fit
"""

from datetime import date

from dentelle.core.formatting import grouped_int
from dentelle.purchases.screening import common, r2_obligation
from dentelle.purchases.screening.data import (  # noqa: F401  (re-exported: the scanner's public facts)
    FindingDraft,
    LineItemFacts,
    LotFacts,
)
from dentelle.purchases.screening.registry import LOT_RULES
from dentelle.purchases.screening.works import carve_outs
from dentelle.rules import default_rules, family_for_cpv


def screen_lot(facts, rules=None, today=None):
    """All findings for one lot (a list of ``FindingDraft``)."""
    rules = rules or default_rules()
    when = threshold_date(facts, today or date.today())
    thresholds = common.thresholds(when, rules)
    family = family_for_cpv(facts.cpv, rules) if facts.cpv else None
    estimate = None
    if family is not None and facts.amount and _needs_estimate(facts, family, thresholds, rules):
        duration = facts.duration_months if family.method == "cleaning" else None  # unused otherwise
        estimate = common.estimate(
            facts.amount, family, duration, facts.transferred_staff_monthly_hours, rules.rounding
        )
    findings = []
    for rule in LOT_RULES:
        draft = rule(facts, family, estimate, thresholds, rules)
        if draft is not None:
            findings.append(draft)
    if facts.line_items:
        findings.extend(carve_outs(facts, thresholds, rules))
    by_rule = {f.rule_id: f for f in findings} if len(findings) > 1 else {}
    if "R1-clause" in by_rule and "R2-obligation-2026" in by_rule:
        # One volume per lot: the trade-by-trade estimate of R1 when it exists.
        r1, r2 = by_rule["R1-clause"], by_rule["R2-obligation-2026"]
        r2.estimated_hours = r1.estimated_hours
        r2.reasons = [r for r in r2.reasons if not r.startswith(("Volume suggéré", "Volume plafonné"))]
        r2.reasons.append(
            f"Volume suggéré : {grouped_int(r1.estimated_hours)} h d'insertion "
            "(voir la proposition « Clause sociale d'insertion »)."
        )
    return findings


def threshold_date(facts, today):
    """The date whose thresholds apply: the launch date; failing it, 1 January of a future plan year (the
    lot is launched within it, and the EU thresholds change on 1 January); failing both, today."""
    if facts.launch_date:
        return facts.launch_date
    if facts.plan_year and facts.plan_year > today.year:
        return date(facts.plan_year, 1, 1)
    return today


def _needs_estimate(facts, family, thresholds, rules):
    """Whether any rule below would read the hours estimate (skip the estimator otherwise: it is
    the costliest step of a scan). Mirrors the early exits of R1, R2, R6 and R7."""
    share = family.params["labour_share"].value
    if not (facts.clause_hours or facts.insertion_market or facts.line_items):
        if share is not None and share >= common.settings(rules)["labour_intensive_min_share"]:
            return True
    if (
        r2_obligation.obligation_status(facts, thresholds) != r2_obligation.NOT_APPLICABLE
        and not facts.has_social_condition
        and not facts.obligation_exception_code
    ):
        return True
    if facts.clause_hours:
        return False
    return family.new_sector or (family.fit_for_siae and not facts.social_award_criterion)
