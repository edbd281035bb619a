"""DECP v2 writer: Dentelle's awarded lots and contracts → the 2024 publication format (schema 2.0.3).

The mapping is pure: it reads an ``AwardedContract`` (plain dataclass) and returns the v2 ``marche``
dict. ``dentelle.decp.adapters`` builds ``AwardedContract`` from the purchases and insertion models.

Social considerations (domain §3.9): the DECP only knows four values, so Dentelle keeps clause hours,
the reservation article and insertion markets to itself and maps them down:

- a social clause (execution condition, insertion hours) → « Clause sociale »;
- a social award criterion → « Critère social »;
- any reservation (SIAE, EA/ESAT, ESS…) → « Marché réservé »;
- none of these → « Pas de considération sociale », never combined with another value.

Fields the schema requires but Dentelle does not hold (offers received, price form and type) are
taken from the input when given; otherwise they stay absent and the schema check lists them as
« à compléter » — we do not invent published figures.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

CLAUSE = "Clause sociale"
CRITERION = "Critère social"
RESERVED = "Marché réservé"
NO_SOCIAL = "Pas de considération sociale"
ENV_CLAUSE = "Clause environnementale"
ENV_CRITERION = "Critère environnemental"
NO_ENV = "Pas de considération environnementale"

# Dentelle purchase nature → the CCAG of reference (the DECP « nature » is « Marché » for all three).
CCAG_BY_NATURE = {
    "works": "Travaux",
    "services": "Fournitures courantes et services",
    "supplies": "Fournitures courantes et services",
}
# Property order of the schema's ``marche``: the written JSON reads like the official examples.
FIELD_ORDER = (
    "id", "acheteur", "nature", "objet", "codeCPV", "techniques", "modalitesExecution", "idAccordCadre",
    "marcheInnovant", "ccag", "offresRecues", "attributionAvance", "tauxAvance", "typeGroupementOperateurs",
    "sousTraitanceDeclaree", "actesSousTraitance", "procedure", "lieuExecution", "dureeMois", "dateNotification",
    "datePublicationDonnees", "montant", "typesPrix", "formePrix", "origineUE", "origineFrance", "titulaires",
    "considerationsSociales", "considerationsEnvironnementales", "modificationsActesSousTraitance", "modifications",
)  # fmt: skip
PLACE_TYPES = {
    "commune": "Code commune",
    "department": "Code département",
    "region": "Code région",
    "postcode": "Code postal",
    "country": "Code pays",
}


@dataclass(frozen=True)
class Subcontractor:
    siret: str
    amount: Decimal | None = None
    notified_on: date | None = None
    duration_months: int | None = None
    price_variation: str = ""  # Ferme, Actualisable, Révisable


@dataclass(frozen=True)
class AwardedContract:
    """What Dentelle knows of an awarded contract (or lot), in its own words."""

    reference: str  # the contract number, 1-16 characters in the DECP
    buyer_siret: str
    title: str
    cpv_code: str
    nature: str  # Dentelle Nature value: works, services, supplies
    procedure: str
    place_code: str
    place_kind: str  # key of PLACE_TYPES
    duration_months: int | None
    notified_on: date | None
    amount: Decimal | None
    holders: tuple[str, ...]  # SIRET of the holder(s)
    has_social_clause: bool = False
    has_social_award_criterion: bool = False
    reservation_kind: str = ""  # any non-empty ReservationKind
    has_environmental_clause: bool = False
    has_environmental_award_criterion: bool = False
    subcontractors: tuple[Subcontractor, ...] = ()
    offers_received: int | None = None
    price_form: str = ""  # Unitaire, Forfaitaire, Mixte
    price_types: tuple[str, ...] = ()  # Définitif ferme…
    purchase_techniques: tuple[str, ...] = ()  # Accord-cadre…; empty = « Sans objet »
    execution_methods: tuple[str, ...] = ()  # Tranches, Bons de commande…; empty = « Sans objet »
    grouping: str = ""  # Conjoint, Solidaire; empty = « Pas de groupement »
    published_on: date | None = None
    extra: dict = field(default_factory=dict)  # schema fields passed through as they are


def social_considerations(*, has_social_clause=False, has_social_award_criterion=False, reservation_kind=""):
    """The DECP ``considerationSociale`` list of a lot, per domain §3.9."""
    values = []
    if has_social_clause:
        values.append(CLAUSE)
    if has_social_award_criterion:
        values.append(CRITERION)
    if reservation_kind:
        values.append(RESERVED)
    return values or [NO_SOCIAL]


def environmental_considerations(*, has_clause=False, has_award_criterion=False):
    values = [ENV_CLAUSE] if has_clause else []
    if has_award_criterion:
        values.append(ENV_CRITERION)
    return values or [NO_ENV]


def to_marche(contract, *, today=None):
    """Map one ``AwardedContract`` to a DECP v2 ``marche`` dict (JSON-ready)."""
    published = contract.published_on or today or date.today()
    # Several holders without a known grouping kind: leave it for the buyer to fill in.
    grouping = contract.grouping or ("Pas de groupement" if len(contract.holders) <= 1 else None)
    record = {
        "id": contract.reference,
        "acheteur": {"id": contract.buyer_siret},
        "nature": "Marché",
        "objet": contract.title,
        "techniques": {"technique": list(contract.purchase_techniques) or ["Sans objet"]},
        "modalitesExecution": {"modaliteExecution": list(contract.execution_methods) or ["Sans objet"]},
        "marcheInnovant": False,
        "ccag": CCAG_BY_NATURE.get(contract.nature, "Pas de CCAG"),
        "attributionAvance": False,
        "tauxAvance": 0.0,
        "sousTraitanceDeclaree": bool(contract.subcontractors),
        "datePublicationDonnees": published.isoformat(),
        "titulaires": [
            {"titulaire": {"typeIdentifiant": "SIRET", "id": siret}} for siret in contract.holders
        ],
        "considerationsSociales": {
            "considerationSociale": social_considerations(
                has_social_clause=contract.has_social_clause,
                has_social_award_criterion=contract.has_social_award_criterion,
                reservation_kind=contract.reservation_kind,
            )
        },
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": environmental_considerations(
                has_clause=contract.has_environmental_clause,
                has_award_criterion=contract.has_environmental_award_criterion,
            )
        },
    }
    place = {"code": contract.place_code, "typeCode": PLACE_TYPES.get(contract.place_kind)}
    # Empty = unknown to Dentelle: left absent so the schema check asks for it by name.
    optional = {
        "codeCPV": contract.cpv_code or None,
        "procedure": contract.procedure or None,
        "lieuExecution": place if contract.place_code and place["typeCode"] else None,
        "dureeMois": contract.duration_months,
        "dateNotification": contract.notified_on.isoformat() if contract.notified_on else None,
        "montant": _number(contract.amount),
        "offresRecues": contract.offers_received,
        "typeGroupementOperateurs": grouping,
        "formePrix": contract.price_form or None,
        "typesPrix": {"typePrix": list(contract.price_types)} if contract.price_types else None,
    }
    record.update({key: value for key, value in optional.items() if value is not None})
    acts = [
        _act(position, sub, contract, published)
        for position, sub in enumerate(contract.subcontractors, start=1)
    ]
    if acts:
        record["actesSousTraitance"] = acts
    record.update(contract.extra)
    rank = {key: position for position, key in enumerate(FIELD_ORDER)}
    return dict(sorted(record.items(), key=lambda item: rank.get(item[0], len(rank))))


def _act(position, sub, contract, published):
    act = {"id": position, "sousTraitant": {"typeIdentifiant": "SIRET", "id": sub.siret}}
    optional = {
        "dureeMois": sub.duration_months or contract.duration_months,
        "dateNotification": sub.notified_on or contract.notified_on,
        "datePublicationDonnees": published,
        "montant": _number(sub.amount),
        "variationPrix": sub.price_variation or None,
    }
    for key, value in optional.items():
        if isinstance(value, date):
            value = value.isoformat()
        if value is not None:
            act[key] = value
    return {"acteSousTraitance": act}


def _number(amount):
    if amount is None:
        return None
    amount = Decimal(amount)
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def to_document(contracts, *, today=None):
    """The whole v2 document ``{"marches": {"marche": [...], "contrat-concession": []}}``."""
    return {"marches": {"marche": [to_marche(c, today=today) for c in contracts], "contrat-concession": []}}


def dumps(document):
    return json.dumps(document, ensure_ascii=False, indent=2)
