# pure: no database
"""R6-new-sector (pure): a clause in a sector where clauses are rare (training), on the holder's
support jobs."""

from dentelle.core.formatting import grouped_int
from dentelle.purchases.enums import FindingKind
from dentelle.purchases.screening.common import with_cap
from dentelle.purchases.screening.data import FindingDraft, euros
from dentelle.purchases.screening.plausibility import plausible_hours


def check(facts, family, estimate, thresholds, rules):
    if family is None or not family.new_sector or facts.clause_hours or not facts.amount:
        return None
    dispense = thresholds.dispense(facts.nature)
    if dispense.value is not None and facts.amount < dispense.value:
        return None
    volume = plausible_hours(
        estimate.hours if estimate is not None and estimate.clause_advised else None, facts.nature, rules
    )
    hours = volume.hours
    reasons = [
        f"Secteur où les clauses sont rares ({family.label}) : le titulaire emploie aussi des fonctions "
        f"support ({', '.join(family.support_jobs)}) accessibles à des personnes en insertion.",
        f"Montant {euros(facts.amount)} au-dessus du seuil de dispense ({euros(dispense.value)}).",
    ]
    if hours:
        reasons.append(f"{grouped_int(volume.chain_hours)} h d'insertion estimées.")
        if volume.capped:
            reasons.append(volume.reason)
    else:
        reasons += estimate.warnings if estimate else []
        reasons.append("Volume d'heures à calibrer avec le facilitateur (paramètres du métier inconnus).")
    return FindingDraft(
        "R6-new-sector",
        FindingKind.NEW_SECTOR,
        reasons,
        "CCP L2112-2 ; CCAG 2021 art. 16.1",
        with_cap(estimate, volume) if estimate else {},
        hours,
    )
