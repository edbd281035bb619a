# pure: no database
"""R2-obligation-2026 (pure): the mandatory social condition for consultations from 2026-08-22 at or
above the EU thresholds.

The obligation depends on the consultation's launch date. A lot without one is judged by its plan's year:
a plan of a later year than the obligation's start launches its lots after it (the finding says that the
launch is assumed); a plan of an earlier year, before it; a plan of the same year, or no year at all,
gives a finding « à vérifier » rather than silence."""

from functools import lru_cache

from dentelle.core.formatting import grouped_int
from dentelle.purchases.enums import FindingKind
from dentelle.purchases.screening.data import FindingDraft, day, euros
from dentelle.purchases.screening.plausibility import plausible_hours
from dentelle.rules.thresholds import nature_group
from dentelle.rules.types import Param

# What the launch date (or, failing it, the plan's year) says of the obligation.
NOT_APPLICABLE = "not_applicable"
APPLIES = "applies"  # launch date on or after the obligation's start
ASSUMED = "assumed"  # no date; the plan's year is after the start's: launched within it
TO_VERIFY = "to_verify"  # no date; the plan's year is the start's, or unknown


def obligation_status(facts, thresholds):
    """One of NOT_APPLICABLE, APPLIES, ASSUMED, TO_VERIFY for the lot (see the module docstring)."""
    row = thresholds.obligation()
    if row is None:
        return NOT_APPLICABLE
    start = row["valid_from"]
    if facts.launch_date:
        return APPLIES if facts.launch_date >= start else NOT_APPLICABLE
    if facts.plan_year is None or facts.plan_year == start.year:
        return TO_VERIFY
    return ASSUMED if facts.plan_year > start.year else NOT_APPLICABLE


def check(facts, family, estimate, thresholds, rules):
    status = obligation_status(facts, thresholds)
    if status == NOT_APPLICABLE:
        return None
    if facts.has_social_condition or facts.obligation_exception_code:
        return None
    value = facts.market_amount if facts.market_amount is not None else facts.amount
    threshold = thresholds.eu_threshold(facts.nature, facts.buyer_category)
    threshold_note = ""
    if threshold.value is None:  # a later period whose thresholds are not published yet
        threshold, threshold_note = latest_eu_threshold(rules, facts.nature, facts.buyer_category)
    if value is None or threshold.value is None or value < threshold.value:
        return None
    row = thresholds.obligation()
    volume = plausible_hours(
        estimate.hours if estimate is not None and estimate.clause_advised else None, facts.nature, rules
    )
    hours = volume.hours
    reasons = [
        _launch_sentence(status, facts.launch_date, facts.plan_year, row["valid_from"]),
        f"Valeur estimée du marché {euros(value)} ≥ seuil européen {euros(threshold.value)} en vigueur à cette date.",
    ]
    if threshold_note:
        reasons.append(threshold_note)
    reasons.append(NO_CONDITION_SENTENCE)
    if hours:
        reasons.append(f"Volume suggéré : {grouped_int(hours)} h d'insertion.")
    if volume.capped:
        reasons.append(volume.reason)
    return FindingDraft(
        "R2-obligation-2026",
        FindingKind.MANDATORY_CONDITION,
        reasons,
        f"Loi n° 2021-1104 art. 35 ; {row['article']}",
        lambda: {  # built only when figures are asked for (the CLI leaves them out by default)
            "eu_threshold": {"value": str(threshold.value), "source": threshold.source},
            "obligation_date": {"value": str(row["valid_from"]), "source": row["source"]},
            "market_value": {"value": str(value), "source": "Montant estimé HT de l'opération"},
        },
        hours,
    )


NO_CONDITION_SENTENCE = (
    "Aucune condition d'exécution sociale ou d'emploi n'est prévue et aucune exception n'est motivée : "
    "prévoir une clause ou enregistrer une exception (code et motif)."
)


@lru_cache(maxsize=1024)
def _launch_sentence(status, launch_date, plan_year, valid_from):
    if status == APPLIES:
        return f"Consultation prévue le {day(launch_date)}, après l'entrée en vigueur du {day(valid_from)}."
    if status == ASSUMED:
        return (
            f"Date de lancement inconnue : lancement supposé en {plan_year} (année de la programmation), "
            f"après l'entrée en vigueur du {day(valid_from)}."
        )
    if plan_year is not None:
        return (
            f"À vérifier : date de lancement inconnue ; la programmation {plan_year} couvre l'entrée en "
            f"vigueur du {day(valid_from)} : l'obligation s'applique si la consultation est lancée à partir "
            "de cette date."
        )
    return (
        "À vérifier : date de lancement inconnue et programmation sans année ; l'obligation s'applique si "
        f"la consultation est lancée à partir du {day(valid_from)}."
    )


@lru_cache(maxsize=64)
def latest_eu_threshold(rules, nature, buyer_category):
    """(Param, French note) of the last EU threshold known for the nature and buyer category, for a date
    after every published period; (Param None, "") when none is known."""
    group = nature_group(nature)
    rows = [
        row
        for row in rules.eu_thresholds
        if row["nature"] == group and row["buyer_category"] in (buyer_category, "*")
    ]
    if not rows:
        return Param(None, "Aucun seuil européen connu", "Verify"), ""
    row = max(rows, key=lambda r: r["valid_from"])
    period = f"du {day(row['valid_from'])}" + (f" au {day(row['valid_to'])}" if row.get("valid_to") else "")
    note = (
        "Seuils européens de cette période pas encore publiés (révisés tous les deux ans) : dernier seuil "
        f"connu retenu ({euros(row['amount'])}, en vigueur {period}), à vérifier."
    )
    return Param(row["amount"], row["source"], "Verify"), note
