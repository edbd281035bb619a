# pure: no database
"""R1-clause (pure): a social clause with estimated hours on a labour-intensive trade above the floors."""

from dentelle.core.formatting import grouped_int
from dentelle.purchases.screening.common import clause_finding, settings, with_cap
from dentelle.purchases.screening.data import euros, pct
from dentelle.purchases.screening.works import line_items_clause


def check(facts, family, estimate, thresholds, rules):
    if facts.clause_hours or facts.insertion_market:
        return None
    if facts.line_items:
        return line_items_clause(facts, rules)
    if family is None or estimate is None:
        return None
    min_share = settings(rules)["labour_intensive_min_share"]
    share = family.params["labour_share"].value
    if share is None or share < min_share or not estimate.clause_advised:
        return None
    dispense = thresholds.dispense(facts.nature)
    if dispense.value is not None and facts.amount < dispense.value:
        return None
    min_months = settings(rules)["clause_min_duration_months"]
    if facts.duration_months is not None and facts.duration_months < min_months:
        return None
    reasons = [
        f"Métier à forte main-d'œuvre : {family.label} ({pct(share)} de main-d'œuvre, seuil {pct(min_share)}).",
        f"Montant {euros(facts.amount)} au-dessus du seuil de dispense ({euros(dispense.value)}).",
        f"{grouped_int(estimate.hours)} h d'insertion estimées : {euros(facts.amount)} × {pct(share)} × "
        f"{pct(family.params['insertion_rate'].value)} ÷ {family.params['loaded_hourly_cost'].value} €/h"
        if estimate.method == "standard"
        else f"{grouped_int(estimate.hours)} h d'insertion estimées (méthode propreté, reprise du personnel déduite).",
    ]
    reasons += estimate.warnings
    return clause_finding(
        reasons, estimate.hours, facts.nature, rules, lambda volume: with_cap(estimate, volume)
    )
