"""Read Dentelle's models into the writer's ``AwardedContract``.

The purchases and insertion models are extended by other apps in parallel, so this adapter imports
them lazily and reads the optional lot attributes by name (``getattr``): a field that does not exist
yet simply counts as « not set ». ``ModelsUnavailable`` carries a French message when a model the
export needs is missing altogether.
"""

from decimal import Decimal

from dentelle.decp.writer import AwardedContract, Subcontractor

# Lot attributes that mean "this lot carries a social clause" (hours planned or a flag).
CLAUSE_HOURS_ATTRIBUTES = (
    "planned_clause_hours",
    "clause_hours",
    "planned_insertion_hours",
    "insertion_hours",
)
# An insertion market (R2123-1 3° CCP) has insertion as its very object: the nearest DECP value is
# « Clause sociale » (the format has no value of its own for it, domain §3.9).
CLAUSE_FLAG_ATTRIBUTES = (
    "has_social_clause",
    "social_clause",
    "has_employment_condition",
    "insertion_market",
)
CRITERION_ATTRIBUTES = ("social_award_criterion", "has_social_award_criterion")
ENV_CLAUSE_ATTRIBUTES = ("has_environmental_clause", "environmental_clause")
ENV_CRITERION_ATTRIBUTES = ("environmental_award_criterion", "has_environmental_award_criterion")
PROCEDURE_ATTRIBUTES = ("procedure", "award_procedure")
# Dentelle procedure → DECP value. « formalised » covers several DECP procedures: left for the buyer.
PROCEDURE_TO_DECP = {
    "adapted": "Procédure adaptée",
    "adapted_small_lot": "Procédure adaptée",
    "insertion_market": "Procédure adaptée",
    "no_procedure": "Marché passé sans publicité ni mise en concurrence préalable",
}
DECP_PLACE_KINDS = ("commune", "department", "region")
DURATION_ATTRIBUTES = ("duration_months",)


class ModelsUnavailable(Exception):
    pass


def contract_model():
    try:
        from dentelle.insertion.models import Contract
    except ImportError as exc:
        raise ModelsUnavailable(
            "Les marchés attribués (application « insertion », modèle Contract) ne sont pas encore disponibles : "
            "export DECP impossible."
        ) from exc
    return Contract


def _first(obj, names, default=None):
    for name in names:
        value = getattr(obj, name, None)
        if value not in (None, ""):
            return value
    return default


def _truthy(value):
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value > 0
    return bool(value)


def awarded_from_contract(contract):
    """Map an ``insertion.Contract`` (and its lot and operation when linked) to an ``AwardedContract``."""
    lot = getattr(contract, "lot", None)
    operation = getattr(lot, "operation", None) if lot else None
    parties = list(contract.parties.all()) if hasattr(contract, "parties") else []
    co_contractors = [p.siret for p in parties if p.role == "co_contractor"]
    subcontractors = tuple(Subcontractor(siret=p.siret) for p in parties if p.role == "subcontractor")
    lot_clause = lot is not None and (
        _truthy(_first(lot, CLAUSE_HOURS_ATTRIBUTES, 0))
        or _truthy(_first(lot, CLAUSE_FLAG_ATTRIBUTES, False))
    )
    duration = _first(lot, DURATION_ATTRIBUTES) if lot else None
    if operation is not None and not duration:
        duration = _first(operation, DURATION_ATTRIBUTES)
    place_kind, place_code = getattr(lot, "place_kind", ""), getattr(lot, "place_code", "")
    if place_kind not in DECP_PLACE_KINDS or not place_code:
        place_kind, place_code = (
            ("department", contract.department_code) if contract.department_code else ("", "")
        )
    return AwardedContract(
        reference=contract.reference,
        buyer_siret=contract.organisation.siret,
        title=contract.title,
        cpv_code=getattr(lot, "cpv_code", "") or "",
        nature=getattr(operation, "nature", "") or "",
        procedure=_procedure(lot, operation),
        place_code=place_code,
        place_kind=place_kind,
        duration_months=duration or contract.duration_months,
        notified_on=contract.signed_on,
        amount=contract.amount,
        holders=(contract.holder_siret, *co_contractors),
        has_social_clause=_truthy(contract.required_hours) or lot_clause,
        has_social_award_criterion=bool(
            lot is not None and _truthy(_first(lot, CRITERION_ATTRIBUTES, False))
        ),
        reservation_kind=contract.reservation_kind or (getattr(lot, "reservation_kind", "") or ""),
        has_environmental_clause=bool(lot is not None and _truthy(_first(lot, ENV_CLAUSE_ATTRIBUTES, False))),
        has_environmental_award_criterion=bool(
            lot is not None and _truthy(_first(lot, ENV_CRITERION_ATTRIBUTES, False))
        ),
        subcontractors=subcontractors,
    )


def _procedure(lot, operation):
    value = (_first(lot, PROCEDURE_ATTRIBUTES, "") if lot else "") or (
        _first(operation, PROCEDURE_ATTRIBUTES, "") if operation else ""
    )
    return PROCEDURE_TO_DECP.get(value, value if value in PROCEDURE_TO_DECP.values() else "")


def organisation_contracts(organisation):
    Contract = contract_model()
    return (
        Contract.objects.filter(organisation=organisation)
        .select_related("organisation", "lot__operation")
        .prefetch_related("parties")
        .order_by("signed_on", "reference")
    )


def export_organisation(organisation, *, today=None):
    """Return (v2 document, schema violations) for the organisation's awarded contracts."""
    from dentelle.decp.schema import check_document
    from dentelle.decp.writer import to_document

    awarded = [awarded_from_contract(contract) for contract in organisation_contracts(organisation)]
    document = to_document(awarded, today=today)
    return document, check_document(document)
