"""Facilitators validate pending declarations in bulk: select, see the count and hours, confirm, and the
count validated is reported; nothing is validated before the confirmation, nor by another role."""

from datetime import date
from decimal import Decimal
from html import unescape

import pytest

from dentelle.insertion import declarations as service
from dentelle.insertion.enums import DeclarationStatus, FulfilmentMode
from dentelle.insertion.models import HoursDeclaration

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts(contract, beneficiary, facilitator):
    return [
        HoursDeclaration.objects.create(
            contract=contract,
            month=date(2026, month, 1),
            fulfilment_mode=FulfilmentMode.DIRECT_HIRE,
            beneficiary=beneficiary,
            hours=Decimal("1250.5"),
            created_by=facilitator,
        )
        for month in (2, 3, 4)
    ]


def statuses():
    return sorted(HoursDeclaration.objects.values_list("status", flat=True))


def test_selection_is_confirmed_with_its_count_then_validated(client, facilitator, drafts):
    client.force_login(facilitator)
    page = unescape(client.get("/insertion/declarations/a-valider/").content.decode())
    assert "3</strong> déclarations en attente" in page and 'data-select-all="ids"' in page
    assert "3 en attente" in unescape(client.get("/").content.decode())  # the home page's tile

    ids = [drafts[0].pk, drafts[1].pk]
    confirm = client.post("/insertion/declarations/a-valider/", {"ids": ids})
    assert confirm.status_code == 200
    text = unescape(confirm.content.decode())
    assert "Valider 2 déclarations (2\u202f501,00 h, 1 marché)" in text
    assert statuses() == ["draft", "draft", "draft"]  # nothing before the confirmation

    done = client.post("/insertion/declarations/a-valider/", {"ids": ids, "confirm": "1"}, follow=True)
    assert "2 déclarations validées (2\u202f501,00 h)." in unescape(done.content.decode())
    assert statuses() == ["draft", "validated", "validated"]
    assert HoursDeclaration.objects.get(pk=drafts[0].pk).validated_by == facilitator


def test_a_refused_declaration_does_not_stop_the_others(client, facilitator, drafts):
    service.correct(drafts[0], user=facilitator, comment="mois faux", hours=Decimal("10"))  # v1 superseded
    client.force_login(facilitator)
    ids = [d.pk for d in drafts]
    response = client.post("/insertion/declarations/a-valider/", {"ids": ids, "confirm": "1"}, follow=True)
    text = unescape(response.content.decode())
    assert "2 déclarations validées" in text  # the superseded draft is no longer pending: not selected
    assert HoursDeclaration.objects.filter(status=DeclarationStatus.VALIDATED).count() == 2


def test_empty_selection_says_so(client, facilitator, drafts):
    client.force_login(facilitator)
    response = client.post("/insertion/declarations/a-valider/", {"confirm": "1"}, follow=True)
    assert "Aucune déclaration sélectionnée" in unescape(response.content.decode())
    assert statuses() == ["draft"] * 3


def test_only_a_facilitator_validates_in_bulk(client, make_user, drafts):
    from dentelle.core.roles import Role

    direction = make_user(Role.DIRECTION)  # may read the list (declares hours) but not validate
    client.force_login(direction)
    page = client.get("/insertion/declarations/a-valider/").content.decode()
    assert "bulk-validate" not in page and 'name="ids"' not in page
    ids = [d.pk for d in drafts]
    assert client.post("/insertion/declarations/a-valider/", {"ids": ids, "confirm": "1"}).status_code == 403
    assert statuses() == ["draft"] * 3


def test_filter_by_contract(client, facilitator, drafts):
    client.force_login(facilitator)
    contract = drafts[0].contract
    page = unescape(client.get(f"/insertion/declarations/a-valider/?marche={contract.pk}").content.decode())
    assert "3</strong> déclarations en attente" in page
    page = unescape(client.get("/insertion/declarations/a-valider/?marche=999999").content.decode())
    assert "0</strong> déclaration en attente" in page
