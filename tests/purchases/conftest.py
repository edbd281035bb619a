import pytest

from dentelle.accounts.models import BuyerService, Organisation, User
from dentelle.core.roles import Role


@pytest.fixture
def organisation(db):
    org = Organisation.objects.create(name="Région Test", region_code="11")
    for code in ("DPMG", "DL", "DFP", "DESR"):
        BuyerService.objects.create(organisation=org, name=f"Direction {code}", code=code)
    return org


@pytest.fixture
def make_user(organisation):
    def make(role, service_code=None):
        service = (
            BuyerService.objects.get(organisation=organisation, code=service_code) if service_code else None
        )
        return User.objects.create_user(
            f"{role}-{service_code or 'x'}",
            password="x",
            role=role,
            organisation=organisation,
            buyer_service=service,
        )

    return make


@pytest.fixture
def officer(make_user):
    return make_user(Role.PURCHASING_OFFICER)
