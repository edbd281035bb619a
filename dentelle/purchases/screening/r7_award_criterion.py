# pure: no database
"""R7-award-criterion (pure): a social award criterion where a calibrated clause does not fit."""

from dentelle.core.formatting import grouped_int
from dentelle.purchases.enums import FindingKind
from dentelle.purchases.screening.common import settings
from dentelle.purchases.screening.data import FindingDraft


def check(facts, family, estimate, thresholds, rules):
    if family is None or not family.fit_for_siae or family.new_sector or facts.social_award_criterion:
        return None
    if facts.clause_hours or not facts.amount:
        return None
    dispense = thresholds.dispense(facts.nature)
    if dispense.value is not None and facts.amount < dispense.value:
        return None
    max_hours = settings(rules)["award_criterion_max_hours"]
    if estimate is not None and estimate.hours is None:
        why = "le volume d'une clause ne peut pas être calibré (paramètres du métier inconnus)"
    elif estimate is not None and not estimate.clause_advised:
        why = f"le volume estimé ({grouped_int(estimate.hours)} h) est trop faible pour une clause"
    elif estimate is not None and estimate.hours < max_hours:
        why = f"le volume estimé ({grouped_int(estimate.hours)} h) est sous {grouped_int(max_hours)} h"
    else:
        return None
    reasons = [
        f"Prestation « {family.label} » susceptible d'être exécutée en partie par des personnes en insertion, "
        f"mais {why}.",
        "Un critère d'attribution sur la performance en matière d'insertion (objectif, non discriminatoire) "
        "convient mieux qu'une clause non chiffrée.",
    ]
    return FindingDraft(
        "R7-award-criterion",
        FindingKind.AWARD_CRITERION,
        reasons,
        "CCP R2152-7 ; CE 25 mars 2013 n° 364950",
        estimate if estimate else {},
    )
