"""API error bodies are French (QA crawl: "Unauthorized", "Not Found", "Field required" reached users)."""

import re

import pytest
from django.test import Client

from config.api_errors import french_errors
from dentelle.accounts.models import ApiToken, User
from dentelle.core.roles import Role


@pytest.fixture
def headers(db):
    user = User.objects.create_user("api-erreurs", password=None, role=Role.DIRECTION)
    return {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}


@pytest.mark.django_db
def test_anonymous_gets_french_401(client):
    response = client.get("/api/siaes/")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Authentification requise")


@pytest.mark.django_db
def test_unknown_object_gets_french_404(client, headers):
    response = client.get("/api/siaes/987654321", headers=headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Introuvable (ou hors de vos droits)."}


@pytest.mark.django_db
def test_missing_and_malformed_parameters_get_french_422(client, headers):
    response = client.get("/api/referentials/cpv", headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["query", "q"], "type": "missing", "msg": "champ obligatoire"}
    ]
    response = client.get("/api/insertion/declarations?year=deux-mille", headers=headers)
    assert response.json()["detail"][0]["msg"] == "nombre entier attendu"


def test_enum_reason_lists_allowed_values_in_french():
    errors = [
        {
            "type": "enum",
            "loc": ("body", "mode"),
            "msg": "Input should be 'A' or 'B'",
            "ctx": {"expected": "'A' or 'B'"},
        }
    ]
    assert french_errors(errors) == [
        {"loc": ["body", "mode"], "type": "enum", "msg": "valeur non autorisée (attendu : 'A' ou 'B')"}
    ]


def test_unknown_error_type_gets_a_generic_french_reason():
    assert french_errors([{"type": "weird_new_type", "loc": ("q",), "msg": "Something odd"}])[0]["msg"] == (
        "valeur invalide"
    )


@pytest.mark.django_db
def test_unexpected_api_error_is_french_json_without_traceback(headers, monkeypatch, settings):
    from dentelle.referentials import api as referentials_api

    def boom(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(referentials_api, "referential_status", boom)
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/api/referentials/status", headers=headers)
    assert response.status_code == 500
    assert response.json() == {"detail": "Erreur interne du serveur."}
    assert "panne simulée" not in response.content.decode()


@pytest.mark.django_db
def test_a_method_an_address_does_not_take_gets_a_french_405(client, headers):
    from config.api import api

    response = client.get("/api/decp/analyse", headers=headers)
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert response.json() == {
        "detail": "Méthode GET non autorisée sur cette adresse (méthodes acceptées : POST)."
    }
    # Every operation's address: a method it does not take is refused in French, never « Method not allowed ».
    schema = api.get_openapi_schema()
    for path, item in schema["paths"].items():
        taken = {method.upper() for method in item}
        method = next(m for m in ("DELETE", "PUT", "PATCH") if m not in taken)
        url = re.sub(r"\{[^}]+\}", "1", path)
        answer = client.generic(method, url, headers=headers)
        assert answer.status_code == 405, url
        assert answer.json()["detail"].startswith(f"Méthode {method} non autorisée"), url


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Authorization", "X-API-Key"])
def test_a_wrong_key_says_so_and_is_not_tried_as_a_session(client, header):
    value = "Bearer dtl_faux" if header == "Authorization" else "dtl_faux"
    for response in (
        client.get("/api/purchases/lots", headers={header: value}),
        client.post("/api/purchases/allotment", headers={header: value}),  # was « CSRF check Failed »
    ):
        assert response.status_code == 401
        assert response.json() == {"detail": "Clé d'API invalide ou révoquée."}
    assert client.get("/api/purchases/lots").json()["detail"].startswith("Authentification requise")


@pytest.mark.django_db
def test_a_session_post_without_csrf_token_is_refused_in_french():
    user = User.objects.create_user("api-session", password=None, role=Role.FACILITATOR)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = browser.post("/api/insertion/declarations", data="{}", content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Jeton CSRF absent ou invalide")


@pytest.mark.django_db
def test_a_body_that_is_not_json_or_is_missing_says_so(client, headers):
    for content_type, body in (("text/plain", "pas du json"), ("application/json", "{x")):
        response = client.post(
            "/api/insertion/declarations", data=body, content_type=content_type, headers=headers
        )
        assert response.status_code == 400
        assert response.json() == {
            "detail": "Corps de la requête illisible : ce n'est pas du JSON valide "
            "(en-tête Content-Type: application/json)."
        }
    response = client.post(
        "/api/insertion/declarations", data="", content_type="application/json", headers=headers
    )
    assert response.json()["detail"] == [
        {
            "loc": ["body", "payload"],
            "type": "missing",
            "msg": "corps de la requête manquant : objet JSON attendu",
        }
    ]
    response = client.post(
        "/api/insertion/declarations", data="{}", content_type="application/json", headers=headers
    )
    assert {error["msg"] for error in response.json()["detail"]} == {"champ obligatoire"}  # fields inside it


def test_api_tags_are_french():
    from config.api import api

    tags = {
        tag
        for item in api.get_openapi_schema()["paths"].values()
        for op in item.values()
        for tag in op["tags"]
    }
    assert tags == {
        "compte",
        "référentiels",
        "annuaire des SIAE",
        "programmation des achats",
        "mise en relation",
        "suivi des heures d'insertion",
        "données essentielles (DECP)",
    }
