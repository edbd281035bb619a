"""Who may answer which lot, one-time answer links, expiring unsubscribe links (issue 10, 9 and 11)."""

import time

import pytest
from django.core import signing
from django.urls import reverse

from dentelle.accounts.models import BuyerService, Organisation
from dentelle.matching.digest import SALT_UNSUBSCRIBE, answer_token, unsubscribe_token
from dentelle.matching.models import DigestOptOut, LotResponse
from dentelle.purchases.models import Lot, Operation, OperationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign_lot(directory):
    """A lot of another organisation reserved to EA and ESAT: never put before the Aubervilliers ACI."""
    organisation = Organisation.objects.create(name="Département du Nord", region_code="32")
    service = BuyerService.objects.create(organisation=organisation, name="Direction RH", code="DRH")
    operation = Operation.objects.create(
        buyer_service=service, reference="OP-NORD", title="Intérim confidentiel", nature="services"
    )
    return Lot.objects.create(
        operation=operation,
        number="1",
        title="Mise à disposition de personnel — Lille",
        cpv_code="79620000",
        place_kind="department",
        place_code="59",
        place_text="Nord",
        reservation_kind="disability",
    )


def test_a_member_cannot_open_or_answer_a_lot_not_put_before_it(client, foreign_lot, users):
    client.force_login(users["member"])
    url = reverse("matching:member_answer", args=[foreign_lot.pk])
    page = client.get(url)
    assert page.status_code == 404 and "Intérim confidentiel" not in page.text
    assert client.post(url, {"kind": "interested"}).status_code == 404
    api = client.post(
        f"/api/matching/lots/{foreign_lot.pk}/responses",
        {"siae_id": users["member"].siae_id, "kind": "interested"},
        content_type="application/json",
    )
    assert api.status_code == 404 and "opportunités proposées" in api.json()["detail"]
    assert not LotResponse.objects.exists()


def test_a_member_answers_a_lot_of_its_opportunities(client, lot, users):
    client.force_login(users["member"])
    url = reverse("matching:member_answer", args=[lot.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"kind": "interested"})
    assert LotResponse.objects.get(lot=lot).kind == "interested"


def test_the_page_and_the_api_store_the_same_answer_with_its_score(client, lot, users):
    """One write for both: the API used to store the answer without the structure's score."""
    member = users["member"]
    client.force_login(member)
    client.post(reverse("matching:member_answer", args=[lot.pk]), {"kind": "interested", "reason": "Oui"})
    by_page = LotResponse.objects.values("kind", "reason", "partners", "score", "responded_by").get(lot=lot)
    LotResponse.objects.all().delete()
    api = client.post(
        f"/api/matching/lots/{lot.pk}/responses",
        {"siae_id": member.siae_id, "kind": "interested", "reason": "Oui"},
        content_type="application/json",
    )
    assert api.status_code == 200
    by_api = LotResponse.objects.values("kind", "reason", "partners", "score", "responded_by").get(lot=lot)
    assert by_page["score"] is not None
    assert by_api == by_page


def test_a_closed_lot_takes_no_answer(client, lot, users, directory):
    Operation.objects.filter(pk=lot.operation_id).update(status=OperationStatus.AWARDED)
    client.force_login(users["member"])
    assert (
        client.post(reverse("matching:member_answer", args=[lot.pk]), {"kind": "interested"}).status_code
        == 404
    )
    token_url = reverse("matching:answer", args=[answer_token(lot.pk, directory["jardins"].pk)])
    refused = client.post(token_url, {"kind": "interested"})
    assert refused.status_code == 403 and "plus ouvert aux réponses" in refused.text
    assert not LotResponse.objects.exists()


def test_an_answer_link_serves_once(client, lot, directory):
    url = reverse("matching:answer", args=[answer_token(lot.pk, directory["jardins"].pk)])
    assert client.post(url, {"kind": "interested"}).status_code == 302
    replay = client.post(url, {"kind": "not_interested", "reason": "écrasé par un tiers"})
    assert replay.status_code == 403 and "déjà servi" in replay.text
    assert LotResponse.objects.get(lot=lot).kind == "interested"
    assert "Envoyer" not in client.get(url).text  # the page shows the answer, not the form


def test_a_new_link_may_change_an_answer_given_before_it(client, lot, directory):
    LotResponse.objects.create(lot=lot, siae=directory["jardins"], kind="interested")
    LotResponse.objects.update(updated_at="2026-01-01T00:00:00Z")
    url = reverse("matching:answer", args=[answer_token(lot.pk, directory["jardins"].pk)])
    client.post(url, {"kind": "not_interested", "reason": "Plan de charge complet"})
    assert LotResponse.objects.get(lot=lot).kind == "not_interested"


def test_unsubscribe_links_expire_after_a_year(client, directory, monkeypatch):
    siae = directory["jardins"]
    with monkeypatch.context() as patched:
        patched.setattr(time, "time", lambda: 1_700_000_000.0)  # 14 November 2023
        old = signing.dumps({"siae": siae.pk}, salt=SALT_UNSUBSCRIBE)
    page = client.get(reverse("matching:unsubscribe", args=[old]))
    assert page.status_code == 410 and "a expiré" in page.text
    assert client.post(reverse("matching:unsubscribe", args=[old])).status_code == 410
    assert not DigestOptOut.objects.exists()
    fresh = client.get(reverse("matching:unsubscribe", args=[unsubscribe_token(siae.pk)]))
    assert fresh.status_code == 200 and "Me désabonner" in fresh.text
