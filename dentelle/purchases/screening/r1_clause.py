# pure: no database
"""R1-clause (pure): a social clause with estimated hours on a labour-intensive trade above the floors."""

from dentelle.core.formatting import format_number, format_share, format_value, grouped_int
from dentelle.purchases.screening.common import clause_finding, settings, with_cap
from dentelle.purchases.screening.data import euros, pct
from dentelle.purchases.screening.works import line_items_clause
from dentelle.rules.hours import BILLED, CLEANING, STANDARD


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
        method_sentence(estimate, facts.amount),
    ]
    yearly = _per_year(estimate.hours, facts.duration_months)
    if yearly:
        reasons.append(yearly)
    reasons += estimate.warnings
    return clause_finding(
        reasons, estimate.hours, facts.nature, rules, lambda volume: with_cap(estimate, volume)
    )


def method_sentence(estimate, amount):
    """How the hours were estimated, naming the estimator's method and the figures it used."""
    hours = f"{grouped_int(estimate.hours)} h d'insertion estimées"
    rate = estimate.figure("insertion_rate")
    if estimate.method == STANDARD:
        return (
            f"{hours} : {euros(amount)} × {format_share(estimate.figure('labour_share'), None)} de main-d'œuvre × "
            f"{format_share(rate, None)} d'insertion ÷ {format_value(estimate.figure('loaded_hourly_cost'))} €/h de coût "
            "horaire chargé."
        )
    if estimate.method == BILLED:
        return (
            f"{hours} (méthode des heures facturées) : {euros(amount)} ÷ "
            f"{format_value(estimate.figure('turnover_per_labour_hour'))} €/h de main-d'œuvre facturée × "
            f"{format_share(rate, None)} d'insertion."
        )
    if estimate.method == CLEANING:
        staff, c, t = estimate.figure("S"), estimate.figure("C"), estimate.figure("T")
        if not staff:
            return (
                f"{hours} (méthode propreté, sans personnel à reprendre) : {euros(amount)} ÷ "
                f"{format_value(c)} € de chiffre d'affaires par heure × {format_share(t, None)} d'insertion."
            )
        return (
            f"{hours} (méthode propreté, reprise du personnel déduite : {format_value(staff)} h par mois "
            f"à reprendre, pondération P = {format_number(estimate.figure('P'), 3)}) : P × {euros(amount)} ÷ "
            f"{format_value(c)} € de chiffre d'affaires par heure × {format_share(t, None)} d'insertion."
        )
    return f"{hours}."


def _per_year(hours, months):
    """« soit environ 1 500 h par an sur 48 mois » for a contract longer than a year ("" otherwise)."""
    if not hours or not months or months <= 12:
        return ""
    return (
        f"Soit environ {grouped_int(round(hours * 12 / months))} h par an sur {months} mois "
        "(le volume s'entend sur toute la durée du marché)."
    )
