"""Read Dentelle's models into the writer's ``AwardedContract``: the insertion contract, and its lot
and operation when the contract was recorded with its lot (``Contract.lot`` may be empty)."""

from dentelle.decp.schema import check_document
from dentelle.decp.writer import AwardedContract, Subcontractor, to_document
from dentelle.insertion.enums import PartyRole
from dentelle.insertion.models import Contract

# Dentelle procedure → DECP value. « formalised » covers several DECP procedures: left for the buyer.
PROCEDURE_TO_DECP = {
    "adapted": "Procédure adaptée",
    "adapted_small_lot": "Procédure adaptée",
    "insertion_market": "Procédure adaptée",
    "no_procedure": "Marché passé sans publicité ni mise en concurrence préalable",
}
DECP_PLACE_KINDS = ("commune", "department", "region")


def lot_has_social_clause(lot):
    """Insertion hours planned, an employment condition, or an insertion market (R2123-1 3° CCP: insertion
    is its very object; the nearest DECP value is « Clause sociale », domain §3.9)."""
    return bool(lot.clause_hours) or lot.has_employment_condition or lot.insertion_market


def awarded_from_contract(contract):
    """Map an ``insertion.Contract`` (and its lot and operation when linked) to an ``AwardedContract``.
    Dentelle records no environmental consideration: the writer's defaults (none) stand."""
    lot = contract.lot
    operation = lot.operation if lot else None
    parties = list(contract.parties.all())
    co_contractors = [p.siret for p in parties if p.role == PartyRole.CO_CONTRACTOR]
    subcontractors = tuple(Subcontractor(siret=p.siret) for p in parties if p.role == PartyRole.SUBCONTRACTOR)
    duration = (lot.duration_months if lot else None) or (operation.duration_months if operation else None)
    place_kind, place_code = (lot.place_kind, lot.place_code) if lot else ("", "")
    if place_kind not in DECP_PLACE_KINDS or not place_code:
        place_kind, place_code = (
            ("department", contract.department_code) if contract.department_code else ("", "")
        )
    procedure = lot.procedure if lot else ""
    return AwardedContract(
        reference=contract.reference,
        buyer_siret=contract.organisation.siret,
        title=contract.title,
        cpv_code=lot.cpv_code if lot else "",
        nature=operation.nature if operation else "",
        procedure=PROCEDURE_TO_DECP.get(procedure, ""),
        place_code=place_code,
        place_kind=place_kind,
        duration_months=duration or contract.duration_months,
        notified_on=contract.signed_on,
        amount=contract.amount,
        holders=(contract.holder_siret, *co_contractors),
        has_social_clause=contract.required_hours > 0 or (lot is not None and lot_has_social_clause(lot)),
        has_social_award_criterion=lot is not None and lot.social_award_criterion,
        reservation_kind=contract.reservation_kind or (lot.reservation_kind if lot else ""),
        subcontractors=subcontractors,
    )


def organisation_contracts(organisation):
    return (
        Contract.objects.filter(organisation=organisation)
        .select_related("organisation", "lot__operation")
        .prefetch_related("parties")
        .order_by("signed_on", "reference")
    )


def export_organisation(organisation, *, today=None):
    """Return (v2 document, schema violations) for the organisation's awarded contracts."""
    awarded = [awarded_from_contract(contract) for contract in organisation_contracts(organisation)]
    document = to_document(awarded, today=today)
    return document, check_document(document)
