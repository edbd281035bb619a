import pytest

from dentelle.accounts.models import BuyerService, Organisation, User
from dentelle.core.roles import Role


@pytest.fixture
def organisation(db):
    org = Organisation.objects.create(name="Région Test", region_code="11")
    for code in ("DPMG", "DL", "DFP"):
        BuyerService.objects.create(organisation=org, name=f"Direction {code}", code=code)
    return org


@pytest.fixture
def make_user(organisation):
    def make(role, service_code=None, org=None, username=None):
        org = org or organisation
        service = BuyerService.objects.get(organisation=org, code=service_code) if service_code else None
        return User.objects.create_user(
            username or f"{role}-{service_code or 'x'}-{org.pk}",
            password="x",
            role=role,
            organisation=org,
            buyer_service=service,
        )

    return make


@pytest.fixture
def officer(make_user):
    return make_user(Role.PURCHASING_OFFICER)
