"""A buyer sees only its own service's contracts and lots (QA crawl: contract 200 of DPMG was open to a DL buyer)."""

import pytest

from dentelle.accounts.models import ApiToken, BuyerService
from dentelle.core.roles import Role
from dentelle.insertion.models import Contract, HoursDeclaration
from dentelle.purchases.models import Lot, Nature, Operation


def auth(user):
    return {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}


@pytest.fixture
def other_contract(contract, organisation):
    other = BuyerService.objects.create(organisation=organisation, name="Direction des transports", code="DT")
    copy = Contract.objects.get(pk=contract.pk)  # a copy: the `contract` fixture object stays M-001
    copy.pk = None
    copy.buyer_service = other
    copy.reference = "M-DT-002"
    copy.save()
    return copy


@pytest.fixture
def other_lot(organisation):
    other = BuyerService.objects.create(organisation=organisation, name="Patrimoine", code="DPMG")
    operation = Operation.objects.create(
        buyer_service=other, reference="OP-DPMG-1", title="Entretien des sièges", nature=Nature.SERVICES
    )
    return Lot.objects.create(operation=operation, number="1", title="Nettoyage", cpv_code="90910000")


@pytest.mark.django_db
def test_buyer_pages_hide_other_services_contracts(client, buyer, contract, other_contract):
    client.force_login(buyer)
    listing = client.get("/insertion/marches/").content.decode()
    assert "M-001" in listing and "M-DT-002" not in listing
    assert client.get(f"/insertion/marches/{contract.pk}/").status_code == 200
    assert client.get(f"/insertion/marches/{other_contract.pk}/").status_code == 404


@pytest.mark.django_db
def test_officer_still_sees_every_service(client, make_user, contract, other_contract):
    client.force_login(make_user(Role.PURCHASING_OFFICER))
    assert client.get(f"/insertion/marches/{other_contract.pk}/").status_code == 200


@pytest.mark.django_db
def test_buyer_api_hides_other_services_contracts(client, buyer, contract, other_contract):
    headers = auth(buyer)
    references = {c["reference"] for c in client.get("/api/insertion/contracts", headers=headers).json()}
    assert references == {"M-001"}
    assert (
        client.get(f"/api/insertion/contracts/{other_contract.pk}/clause", headers=headers).status_code == 404
    )
    assert client.get(f"/api/insertion/contracts/{contract.pk}/clause", headers=headers).status_code == 200


@pytest.mark.django_db
def test_buyer_api_declarations_only_of_own_contracts(client, buyer, declaration, other_contract):
    foreign = HoursDeclaration.objects.get(pk=declaration.pk)
    foreign.pk = None
    foreign.contract = other_contract
    foreign.save()
    rows = client.get("/api/insertion/declarations", headers=auth(buyer)).json()
    assert {r["contract"] for r in rows} == {"M-001"}


@pytest.mark.django_db
def test_buyer_cannot_open_clause_of_another_service_lot(client, buyer, other_lot, make_user):
    client.force_login(buyer)
    assert client.get(f"/insertion/lots/{other_lot.pk}/clause/").status_code == 404
    client.force_login(make_user(Role.DIRECTION))
    assert client.get(f"/insertion/lots/{other_lot.pk}/clause/").status_code == 200
