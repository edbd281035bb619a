from decimal import Decimal

import pytest

from dentelle.insertion.models import AnnualObjective
from tests.factories import (
    BeneficiaryFactory,
    BuyerServiceFactory,
    ContractFactory,
    HoursDeclarationFactory,
    OrganisationFactory,
)

SIRET = "73282932000074"  # valid Luhn


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Région test", region_code="")


@pytest.fixture
def service(organisation):
    return BuyerServiceFactory(organisation=organisation, name="Direction des lycées", code="DL")


@pytest.fixture
def contract(service, facilitator):
    return ContractFactory(
        buyer_service=service,
        reference="M-001",
        project_name="Lycées 2026",
        holder_siret=SIRET,
        facilitator=facilitator,
    )


@pytest.fixture
def make_beneficiary(organisation):
    def make(**kwargs):
        return BeneficiaryFactory(**{"organisation": organisation, **kwargs})

    return make


@pytest.fixture
def beneficiary(make_beneficiary):
    return make_beneficiary()


@pytest.fixture
def declaration(contract, beneficiary, facilitator):
    return HoursDeclarationFactory(contract=contract, beneficiary=beneficiary, created_by=facilitator)


@pytest.fixture
def objective(organisation):
    return AnnualObjective.objects.create(organisation=organisation, year=2026, hours=Decimal("2000"))
