"""Pages and API: same permissions on both."""

import pytest
from django.urls import reverse

from dentelle.matching.models import LotResponse

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_lot_page_ranks_and_explains(client, lot, users):
    page = login(client, users["buyer"]).get(reverse("matching:lot", args=[lot.pk]))
    assert page.status_code == 200
    assert "Les Jardins d&#x27;Aubervilliers" in page.text and "Pourquoi ce score" in page.text
    why = client.get(reverse("matching:why", args=[lot.pk, users["member"].siae_id]))
    assert why.status_code == 200 and "Compétence" in why.text and "Territoire" in why.text


@pytest.mark.parametrize(
    "who, status",
    [("buyer", 200), ("officer", 200), ("member", 403), ("outsider", 403)],
    ids=["buyer-of-the-service", "officer-of-the-organisation", "siae-member-no", "other-buyer-no"],
)
def test_lot_page_permissions_match_api(client, lot, users, who, status):
    login(client, users[who])
    assert client.get(reverse("matching:lot", args=[lot.pk])).status_code == status
    assert client.get(f"/api/matching/lots/{lot.pk}/structures").status_code == status


def test_search_page_and_api(client, users):
    login(client, users["officer"])
    page = client.get(reverse("matching:search"), {"cpv": "77310000", "place": "93", "nature": "services"})
    assert page.status_code == 200 and "Les Jardins" in page.text
    data = client.get("/api/matching/search", {"cpv": "77310000", "place": "Lille", "top": 1}).json()
    assert data["items"][0]["name"] == "Paysages du Nord"
    assert client.get("/api/matching/search", {"cpv": "12"}).status_code == 422
    huge = client.get("/api/matching/search", {"cpv": "77310000", "place": "93", "amount": 20_000_000}).json()
    assert "envisager l'allotissement" in huge["warnings"][0]
    login(client, users["member"])
    assert client.get("/api/matching/search", {"cpv": "77310000"}).status_code == 403


def test_opportunities_page_and_api(client, lot, users):
    member = users["member"]
    login(client, member)
    page = client.get(reverse("matching:opportunities", args=[member.siae_id]))
    assert page.status_code == 200 and lot.title in page.text and "Répondre" in page.text
    api = client.get(f"/api/matching/structures/{member.siae_id}/opportunities").json()
    assert api[0]["lot_id"] == lot.pk
    other = users["other_member"].siae_id
    assert client.get(reverse("matching:opportunities", args=[other])).status_code == 403
    assert client.get(f"/api/matching/structures/{other}/opportunities").status_code == 403


def test_member_answers_and_buyer_sees_it(client, lot, users):
    member = users["member"]
    login(client, member)
    client.post(
        reverse("matching:member_answer", args=[lot.pk]), {"kind": "consortium", "partners": "EI Plaine"}
    )
    api = client.post(
        f"/api/matching/lots/{lot.pk}/responses",
        {"siae_id": member.siae_id, "kind": "interested"},
        content_type="application/json",
    )
    assert api.status_code == 200 and LotResponse.objects.get(lot=lot).kind == "interested"
    refused = client.post(
        f"/api/matching/lots/{lot.pk}/responses",
        {"siae_id": users["other_member"].siae_id, "kind": "interested"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    login(client, users["buyer"])
    assert "Intéressée" in client.get(reverse("matching:lot", args=[lot.pk])).text
    assert client.get(f"/api/matching/lots/{lot.pk}/responses").json()[0]["kind"] == "interested"


def test_api_rejects_not_interested_without_reason(client, lot, users):
    login(client, users["member"])
    response = client.post(
        f"/api/matching/lots/{lot.pk}/responses",
        {"siae_id": users["member"].siae_id, "kind": "not_interested"},
        content_type="application/json",
    )
    assert response.status_code == 422
