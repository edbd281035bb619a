"""Impossible numbers in API query strings get a French 400, not a server error (QA fuzzing)."""

import pytest
from django.http import QueryDict

from config.api_guard import query_problem
from dentelle.accounts.models import ApiToken, User
from dentelle.core.roles import Role


def test_query_problem_flags_huge_integers_and_negative_paging():
    assert (
        query_problem(QueryDict("plan_id=99999999999999999999"))
        == "Paramètre « plan_id » : nombre trop grand."
    )
    assert query_problem(QueryDict("offset=-1")) == "Paramètre « offset » : nombre positif ou nul attendu."
    assert query_problem(QueryDict("limit=-20&q=x")) == "Paramètre « limit » : nombre positif ou nul attendu."


def test_query_problem_lets_ordinary_values_through():
    assert query_problem(QueryDict("offset=0&limit=50&year=2026&q=-1 nettoyage&code=-5")) is None


@pytest.mark.django_db
def test_api_answers_400_before_reaching_the_database(client):
    user = User.objects.create_user("garde-api", password=None, role=Role.DIRECTION)
    headers = {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}
    for url in ["/api/purchases/lots?offset=-1", "/api/siaes/?offset=99999999999999999999"]:
        response = client.get(url, headers=headers)
        assert response.status_code == 400, url
        assert response.json()["detail"].startswith("Paramètre")


@pytest.mark.django_db
def test_pages_outside_the_api_are_not_filtered(client):
    assert client.get("/connexion/?offset=-1").status_code == 200


def test_query_problem_flags_nul_characters_everywhere():
    assert query_problem(QueryDict("q=ab%00c"), api=False) == "Paramètre « q » : caractère nul interdit."
    assert query_problem(QueryDict("offset=-1"), api=False) is None  # paging rule is the API's only


@pytest.mark.django_db
def test_nul_character_in_a_search_gets_a_french_400_page(client):
    user = User.objects.create_user("garde-nul", password=None, role=Role.DIRECTION)
    client.force_login(user)
    response = client.get("/siae/?q=%00")
    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode()
    response = client.get("/api/siaes/?q=%00")
    assert response.status_code == 400 and "caractère nul" in response.json()["detail"]


@pytest.mark.django_db
def test_nul_character_in_an_api_json_body_gets_a_french_400(client):
    user = User.objects.create_user("garde-corps", password=None, role=Role.FACILITATOR)
    headers = {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}
    body = '{"contract_id": 1, "month": "2026-01-01", "fulfilment_mode": "DIRECT_HIRE", "beneficiary": "AB\\u0000", "hours": 3}'
    response = client.post(
        "/api/insertion/declarations", body, content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Corps JSON : caractère nul interdit."}


@pytest.mark.django_db
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_nul_character_in_a_body_of_any_declared_type_gets_a_french_400(client, content_type):
    """django-ninja reads a `text/plain` body as JSON: the guard must not trust the declared type (on
    PostgreSQL this was a 500)."""
    user = User.objects.create_user("garde-type", password=None, role=Role.SIAE_MEMBER)
    headers = {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}
    body = '{"siae_id": 1, "kind": "interested", "reason": "A\\u0000B"}'
    response = client.post(
        "/api/matching/lots/1/responses", data=body, content_type=content_type, headers=headers
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Corps JSON : caractère nul interdit."}


@pytest.mark.django_db
def test_a_body_beyond_the_upload_limit_gets_a_french_json_413(client, settings):
    user = User.objects.create_user("garde-taille", password=None, role=Role.FACILITATOR)
    headers = {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}
    body = '{"comment": "' + "x" * (12 * 1024 * 1024) + '"}'  # 12 MB, the limit being 10 MB
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post(
        "/api/insertion/declarations", data=body, content_type="application/json", headers=headers
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith("Corps de la requête trop volumineux")
