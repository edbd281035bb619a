"""API error bodies are French (QA crawl: "Unauthorized", "Not Found", "Field required" reached users)."""

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
