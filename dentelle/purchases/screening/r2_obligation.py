# pure: no database
"""R2-obligation-2026 (pure): the mandatory social condition for consultations from 2026-08-22 at or
above the EU thresholds."""

from functools import lru_cache

from dentelle.core.formatting import grouped_int
from dentelle.purchases.enums import FindingKind
from dentelle.purchases.screening.data import FindingDraft, day, euros
from dentelle.purchases.screening.plausibility import plausible_hours


def check(facts, family, estimate, thresholds, rules):
    if not thresholds.obligation_applies(facts.launch_date):
        return None
    if facts.has_social_condition or facts.obligation_exception_code:
        return None
    value = facts.market_amount if facts.market_amount is not None else facts.amount
    threshold = thresholds.eu_threshold(facts.nature, facts.buyer_category)
    if value is None or threshold.value is None or value < threshold.value:
        return None
    row = thresholds.obligation()
    volume = plausible_hours(
        estimate.hours if estimate is not None and estimate.clause_advised else None, facts.nature, rules
    )
    hours = volume.hours
    reasons = [
        _launch_sentence(facts.launch_date, row["valid_from"]),
        f"Valeur estimée du marché {euros(value)} ≥ seuil européen {euros(threshold.value)} en vigueur à cette date.",
        NO_CONDITION_SENTENCE,
    ]
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
def _launch_sentence(launch_date, valid_from):
    return f"Consultation prévue le {day(launch_date)}, après l'entrée en vigueur du {day(valid_from)}."
