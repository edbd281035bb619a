"""Impossible numbers in API query strings get a French 400, not a server error (QA fuzzing)."""

import re

import pytest
from django.http import QueryDict

from config.api import api
from config.api_guard import query_names, query_problem
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


def every_get_path():
    """The path of every GET operation of the OpenAPI document, its ids set to 1."""
    for path, item in api.get_openapi_schema()["paths"].items():
        if "get" in item:
            yield re.sub(r"\{\w+\}", "1", path)


def test_every_operation_takes_the_query_parameters_its_document_lists():
    documented = {}
    for item in api.get_openapi_schema()["paths"].values():
        for operation in item.values():
            documented[operation["operationId"]] = {
                p["name"] for p in operation.get("parameters", []) if p["in"] == "query"
            }
    taken = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                taken[api.get_openapi_operation_id(operation)] = query_names(operation)
    assert taken == documented


@pytest.mark.django_db
def test_an_unknown_query_parameter_is_refused_and_the_accepted_ones_named(client, officer):
    client.force_login(officer)
    response = client.get("/api/purchases/lots?plan=3")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Paramètre inconnu : « plan » (paramètres acceptés : limit, offset, operation_id, plan_id)."
    )
    assert client.get("/api/purchases/lots?plan_id=3&limit=2").status_code == 200
    flattened = client.get("/api/matching/search?cpv=77310000&place=93&department=93")  # Query[CriteriaIn]
    assert flattened.status_code == 400 and "« department »" in flattened.json()["detail"]
    checked = 0
    for path in every_get_path():
        response = client.get(path, {"filtre_inconnu": "1"})
        if response.status_code == 400:
            assert response.json()["detail"].startswith("Paramètre inconnu : « filtre_inconnu »"), path
            checked += 1
    assert checked >= 20


def test_a_stranger_gets_401_before_any_word_on_parameters(client):
    assert client.get("/api/purchases/lots?plan=3").status_code == 401


@pytest.mark.django_db
def test_paged_lists_say_their_total_and_the_limit_applied(client, officer):
    from config.api import api
    from tests.factories import LotFactory, OperationFactory

    operation = OperationFactory(buyer_service__organisation=officer.organisation)
    for _ in range(3):
        LotFactory(operation=operation)
    client.force_login(officer)
    response = client.get("/api/purchases/lots?limit=100000")
    assert response.status_code == 200 and len(response.json()) == 3  # still a bare list
    assert response["X-Limit"] == "1000"  # capped, and the answer says so
    assert response["X-Total-Count"] == "3"
    page = client.get("/api/purchases/lots?limit=2&offset=1")
    assert (page["X-Limit"], page["X-Total-Count"], len(page.json())) == ("2", "3", 2)
    siaes = client.get("/api/siaes/?limit=100000")
    assert siaes["X-Limit"] == str(siaes.json()["limit"]) and siaes["X-Total-Count"] == str(
        siaes.json()["count"]
    )
    # Every operation taking `limit` documents both headers on its 200, and its description names the cap.
    schema = api.get_openapi_schema()
    paged = [
        (path, operation)
        for path, item in schema["paths"].items()
        for operation in item.values()
        if any(p["name"] == "limit" for p in operation.get("parameters", []))
    ]
    assert {path for path, _ in paged} >= {
        "/api/purchases/lots",
        "/api/purchases/operations",
        "/api/purchases/findings",
        "/api/insertion/declarations",
        "/api/siaes/",
    }
    for path, operation in paged:
        assert set(operation["responses"]["200"].get("headers", {})) == {"X-Total-Count", "X-Limit"}, path
        limit = next(p for p in operation["parameters"] if p["name"] == "limit")
        assert "X-Limit" in limit.get("description", "") or "X-Limit" in operation.get("description", ""), (
            path
        )
