# pure: no database
"""R4-allotment (pure): split a multi-territory maintenance lot by department / EPT / EPCI."""

from decimal import Decimal

from dentelle.core.text import fold
from dentelle.purchases.allotment import Unit, propose_split
from dentelle.purchases.enums import FindingKind
from dentelle.purchases.screening.common import settings
from dentelle.purchases.screening.data import FindingDraft, euros

MAINTENANCE_FAMILIES = {"cleaning", "green_spaces", "building_maintenance", "waste_collection"}
MAINTENANCE_WORDS = ("entretien", "maintenance", "nettoyage", "proprete", "gardiennage")  # folded


def is_maintenance(facts, family):
    if family is not None and family.id in MAINTENANCE_FAMILIES:
        return True
    folded = fold(facts.title)  # « PROPRETÉ », « Propreté » and « proprete » alike
    return any(w in folded for w in MAINTENANCE_WORDS)


def check(facts, family, estimate, thresholds, rules):
    if not facts.able_by_unit or not is_maintenance(facts, family) or not facts.amount:
        return None
    many_departments = len(facts.department_codes) >= settings(rules)["allotment_min_departments"]
    many_sites = (facts.sites_count or 0) >= settings(rules)["allotment_min_sites"]
    if not (many_departments or many_sites):
        return None
    units = [
        Unit(kind, code, name, able, Decimal(str(weight)))
        for kind, code, name, able, weight in facts.able_by_unit
    ]
    min_amount = settings(rules)["allotment_min_lot_amount"]
    minimum = int(settings(rules)["min_able_structures"])
    split = propose_split(facts.amount, units, min_amount, minimum, facts.title)
    if not split.splits:
        return None
    scope = (
        f"{len(facts.department_codes)} départements" if many_departments else f"{facts.sites_count} sites"
    )
    reasons = [
        f"Marché d'entretien couvrant {scope} : un allotissement territorial ouvre l'accès aux structures locales.",
        f"Avant : 1 lot de {euros(facts.amount)}. Après : {len(split.after)} lots — "
        + " ; ".join(
            f"{lot.label} : {euros(lot.amount)} ({lot.able_structures} structures)" for lot in split.after
        )
        + ".",
        f"Chaque lot ≥ {euros(min_amount)} et ≥ {minimum} structures capables ; "
        "les territoires trop petits sont regroupés.",
    ]
    return FindingDraft(
        "R4-allotment",
        FindingKind.ALLOTMENT,
        reasons,
        "CCP L2113-10 (allotissement) ; L2113-11",
        lambda: {
            "min_lot_amount": {
                "value": str(min_amount),
                "source": rules.screening["allotment_min_lot_amount"].source,
            }
        },
        proposal=split.as_dict(),
    )
