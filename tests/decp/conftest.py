from datetime import date
from decimal import Decimal

import pytest

from tests.factories import ContractFactory, LotFactory, OrganisationFactory

HOLDER_SIRET = "73282932000074"  # valid Luhn
SUBCONTRACTOR_SIRET = "78471226700060"


@pytest.fixture
def organisation(db):
    """The buyer of the DECP exports: an organisation with its SIRET."""
    return OrganisationFactory(name="Région test DECP", siret="23750007900312", region_code="")


@pytest.fixture
def awarded_contract(organisation, service):
    """An awarded lot with 2,400 clause hours, reserved to SIAE, with one subcontractor."""
    lot = LotFactory(
        operation__buyer_service=service,
        operation__reference="OP-1",
        operation__title="Espaces verts",
        operation__duration_months=48,
        number="1",
        title="Espaces verts, lycées du 93",
        with_clause=True,
        reserved=True,
        procedure="adapted",
    )
    return ContractFactory(
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
        reserved=True,
        department_code="93",
        with_subcontractor=True,
        subcontractor__siret=SUBCONTRACTOR_SIRET,
    )
