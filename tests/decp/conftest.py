from datetime import date
from decimal import Decimal

import pytest

from tests.factories import OrganisationFactory

HOLDER_SIRET = "73282932000074"  # valid Luhn
SUBCONTRACTOR_SIRET = "78471226700060"


@pytest.fixture
def organisation(db):
    """The buyer of the DECP exports: an organisation with its SIRET."""
    return OrganisationFactory(name="Région test DECP", siret="23750007900312", region_code="")


@pytest.fixture
def awarded_contract(organisation, service):
    """An awarded lot with 2,400 clause hours, reserved to SIAE, with one subcontractor."""
    from dentelle.insertion.models import Contract, ContractParty
    from dentelle.purchases.models import Lot, Operation

    operation = Operation.objects.create(
        buyer_service=service, reference="OP-1", title="Espaces verts", nature="services", duration_months=48
    )
    lot = Lot.objects.create(
        operation=operation,
        number="1",
        title="Espaces verts, lycées du 93",
        cpv_code="77310000",
        clause_hours=2400,
        reservation_kind="siae",
        procedure="adapted",
        place_kind="department",
        place_code="93",
    )
    contract = Contract.objects.create(
        organisation=organisation,
        buyer_service=service,
        lot=lot,
        reference="2026-DL-014",
        title="Entretien des espaces verts des lycées du 93",
        holder_siret=HOLDER_SIRET,
        holder_name="Jardins d'insertion",
        signed_on=date(2026, 3, 2),
        start_date=date(2026, 4, 1),
        end_date=date(2030, 3, 31),
        amount=Decimal("480000.00"),
        required_hours=Decimal("2400"),
        reservation_kind="siae",
        department_code="93",
    )
    ContractParty.objects.create(
        contract=contract, role="subcontractor", siret=SUBCONTRACTOR_SIRET, name="Sous-traitant"
    )
    return contract
