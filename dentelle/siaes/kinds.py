# pure: no database
"""Structure kinds and the legal basis each can hold a reserved contract under (pure module).

Codes are the ones shared with Le marché de l'inclusion and les emplois. Reservation eligibility is
derived from the kind, never stored as a free flag (domain §3.1, §8). EITI and GEIQ get no basis by
default: the sources do not establish that L2113-13 covers them ("à vérifier", domain §2.1, §3.1).
"""

from dataclasses import dataclass

INSERTION_KINDS = ("ACI", "AI", "EI", "ETTI", "EITI", "GEIQ")
DISABILITY_KINDS = ("EA", "EATT", "ESAT")
ALL_KINDS = (*INSERTION_KINDS, *DISABILITY_KINDS, "SEP")

# Kinds that put staff at a client's disposal rather than deliver a service themselves
# (same split as Le marché's inclusive-potential dashboard, anchors §1.4).
STAFF_PROVISION_KINDS = ("AI", "ETTI", "EATT", "GEIQ")


@dataclass(frozen=True)
class ReservationBasis:
    article: str  # "L2113-13"
    reservation_kind: str  # value of purchases.ReservationKind
    label: str  # French, for people
    reference: str  # where the rule comes from


SIAE_BASIS = ReservationBasis(
    "L2113-13",
    "siae",
    "Marché réservé aux SIAE (art. L2113-13 CCP)",
    "CCP L2113-13 ; code du travail L5132-4 (EI, ETTI, AI, ACI)",
)
DISABILITY_BASIS = ReservationBasis(
    "L2113-12",
    "disability",
    "Marché réservé aux EA et ESAT (art. L2113-12 CCP)",
    "CCP L2113-12 ; code du travail L5213-13 (EA) ; CASF L344-2 (ESAT)",
)
DETAINEES_BASIS = ReservationBasis(
    "L2113-13-1",
    "detainees",
    "Réservé aux opérateurs employant des détenus (art. L2113-13-1 CCP)",
    "CCP L2113-13-1 (ordonnance n° 2022-1336)",
)

RESERVATION_BASES = {
    "ACI": (SIAE_BASIS,),
    "AI": (SIAE_BASIS,),
    "EI": (SIAE_BASIS,),
    "ETTI": (SIAE_BASIS,),
    "EITI": (),
    "GEIQ": (),
    "EA": (DISABILITY_BASIS,),
    "EATT": (DISABILITY_BASIS,),
    "ESAT": (DISABILITY_BASIS,),
    "SEP": (DETAINEES_BASIS,),
}

# Kinds whose eligibility the sources leave open: shown to people as "à vérifier".
TO_VERIFY = {
    "EITI": "Éligibilité à L2113-13 à vérifier : l'EITI n'est pas citée par L5132-4 (mesure ASP EITI_DC depuis 2019).",
    "GEIQ": "Éligibilité à L2113-13 à vérifier : base légale non établie ; ses salariés comptent pour les clauses.",
}


def reservation_bases(kind):
    """Legal bases a structure of this kind can hold a reserved contract under ('' or unknown → ())."""
    return RESERVATION_BASES.get(str(kind or ""), ())


def reservation_kinds(kind):
    """Values of purchases.ReservationKind this kind is eligible for (joint reservation included)."""
    values = {basis.reservation_kind for basis in reservation_bases(kind)}
    if values & {"siae", "disability"}:
        values.add("siae_and_disability")
    return values


def reservation_note(kind):
    return TO_VERIFY.get(str(kind or ""), "")


def is_eligible_for(kind, reservation_kind):
    """Can a structure of this kind hold a lot reserved with this ReservationKind value?"""
    if not reservation_kind:
        return True
    return reservation_kind in reservation_kinds(kind)


def default_service_kinds(kind):
    """Service kinds a structure usually offers, from its kind (a default, overridden by declarations)."""
    if str(kind) in STAFF_PROVISION_KINDS:
        return ["staff_provision"]
    return ["service_provision", "goods_production"]
