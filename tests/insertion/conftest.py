from datetime import date
from decimal import Decimal

import pytest

from dentelle.accounts.models import BuyerService, Organisation, User
from dentelle.core.roles import Role
from dentelle.insertion.enums import AgeBand, ClauseCategory, FulfilmentMode, IaeCriterion
from dentelle.insertion.models import AnnualObjective, Beneficiary, Contract, HoursDeclaration

SIRET = "73282932000074"  # valid Luhn


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Région test")


@pytest.fixture
def service(organisation):
    return BuyerService.objects.create(organisation=organisation, name="Direction des lycées", code="DL")


@pytest.fixture
def make_user(organisation):
    def make(role, username=None):
        # No password: hashing costs a second per user and tests log in with force_login.
        return User.objects.create_user(
            username or f"u-{role}", password=None, role=role, organisation=organisation
        )

    return make


@pytest.fixture
def facilitator(make_user):
    return make_user(Role.FACILITATOR)


@pytest.fixture
def buyer(make_user, service):
    # A buyer belongs to a service: it sees that service's contracts only.
    user = make_user(Role.BUYER)
    user.buyer_service = service
    user.save(update_fields=["buyer_service"])
    return user


@pytest.fixture
def contract(organisation, service, facilitator):
    return Contract.objects.create(
        organisation=organisation,
        buyer_service=service,
        reference="M-001",
        title="Nettoyage des lycées",
        project_name="Lycées 2026",
        holder_siret=SIRET,
        holder_name="Propreté SA",
        signed_on=date(2025, 12, 1),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        amount=Decimal("500000"),
        required_hours=Decimal("1200"),
        facilitator=facilitator,
        department_code="94",
        trade_family="cleaning",
    )


@pytest.fixture
def make_beneficiary(organisation):
    def make(**kwargs):
        defaults = {
            "organisation": organisation,
            "sex": "F",
            "age_band": AgeBand.UNDER_26,
            "is_qpv": True,
            "commune_insee_code": "94028",
            "clause_categories": [ClauseCategory.YOUTH_LOW_QUALIFICATION],
            "iae_criteria": [IaeCriterion.JEUNE, IaeCriterion.CAP_BEP],
            "contract_start": date(2026, 1, 1),
            "contract_end": date(2026, 3, 31),
            "external_reference": "DOSSIER-42",
            "notes": "Suivi par la mission locale de Créteil",
        }
        defaults.update(kwargs)
        return Beneficiary.objects.create(**defaults)

    return make


@pytest.fixture
def beneficiary(make_beneficiary):
    return make_beneficiary()


@pytest.fixture
def declaration(contract, beneficiary, facilitator):
    return HoursDeclaration.objects.create(
        contract=contract,
        month=date(2026, 2, 1),
        fulfilment_mode=FulfilmentMode.DIRECT_HIRE,
        beneficiary=beneficiary,
        hours=Decimal("100"),
        created_by=facilitator,
    )


@pytest.fixture
def objective(organisation):
    return AnnualObjective.objects.create(organisation=organisation, year=2026, hours=Decimal("2000"))
