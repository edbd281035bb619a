# pure: no database
"""R3-reservation (pure): reserve the lot (L2113-13, or L2113-12 for EA/ESAT) when enough able
structures can absorb it."""

from decimal import Decimal
from functools import lru_cache

from dentelle.purchases.enums import FindingKind, ReservationKind
from dentelle.purchases.screening.common import settings as screening_settings
from dentelle.purchases.screening.data import FindingDraft, euros, pct


def check(facts, family, estimate, thresholds, rules):
    if family is None or not family.fit_for_siae or facts.reservation_kind or facts.able_structures is None:
        return None
    settings = screening_settings(rules)
    minimum = settings["min_able_structures"]
    yearly = facts.annual_amount or _yearly(facts)
    capacity = facts.able_capacity
    assumed = capacity is None and bool(facts.able_structures)
    if assumed:
        capacity = facts.able_structures * settings["default_capacity_per_structure"]
    capacity_cap = (capacity or 0) * settings["max_lot_share_of_capacity"]
    if facts.able_structures >= minimum:
        if yearly is None or yearly > capacity_cap:
            return None
        article, kind, who = "CCP L2113-13 et R2113-7", ReservationKind.SIAE, "SIAE"
        count = facts.able_structures
    elif (facts.disability_structures or 0) >= minimum:
        article, kind, who = "CCP L2113-12 et R2113-7", ReservationKind.DISABILITY, "EA et ESAT"
        count = facts.disability_structures
    else:
        return None
    share = thresholds.reservation_min_share()
    whole = facts.market_amount is None or facts.market_amount == facts.amount
    if kind == ReservationKind.SIAE:
        capacity_sentence = (
            f"Montant annuel {euros(yearly)} ≤ capacité annuelle estimée {euros(capacity_cap)}"
            + (
                _r3_assumption(facts.able_structures, settings["default_capacity_per_structure"])
                if assumed
                else "."
            )
        )
    else:
        assumed = False  # the capacity check above applies to the SIAE count only
        capacity_sentence = "Capacité des EA et ESAT non évaluée (chiffre d'affaires inconnu) : à vérifier."
    reasons = [_r3_count_sentence(count, who, family.label, minimum), capacity_sentence]
    reasons.append(_r3_proposal_sentence(whole, share.value))
    default_source = rules.screening["default_capacity_per_structure"].source
    return FindingDraft(
        "R3-reservation",
        FindingKind.RESERVATION,
        reasons,
        article,
        lambda: {
            "able_structures": {"value": count, "source": "Annuaire Dentelle des SIAE"},
            "annual_amount": {"value": str(yearly), "source": "Programmation"},
            "min_share": {"value": str(share.value), "source": share.source},
            "capacity": {
                "value": str(capacity_cap),
                "source": default_source if assumed else "Chiffres d'affaires connus des structures capables",
                "assumed": assumed,
            },
        },
        proposal={"reservation_kind": kind},
    )


@lru_cache(maxsize=1024)
def _r3_assumption(structures, per_structure):
    return (
        f" (hypothèse à vérifier, pas une donnée : {structures} structures × {euros(per_structure)} HT/an "
        "chacune, chiffre d'affaires inconnu)."
    )


@lru_cache(maxsize=1024)
def _r3_count_sentence(count, who, label, minimum):
    return f"{count} structures ({who}) capables sur le territoire du lot pour le métier « {label} » (minimum {minimum})."


@lru_cache(maxsize=64)
def _r3_proposal_sentence(whole, share):
    target = "le marché entier (lot unique)" if whole else "ce lot"
    return (
        f"Proposition : réserver {target} ; part minimale de travailleurs défavorisés ou handicapés "
        f"{pct(share)} (R2113-7)."
    )


def _yearly(facts):
    if facts.amount is None:
        return None
    if facts.duration_months and facts.duration_months > 12:
        return (facts.amount * 12 / facts.duration_months).quantize(Decimal("1"))
    return facts.amount
