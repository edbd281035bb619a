"""Error pages are French DSFR pages, never Django's English defaults (found by the QA crawl)."""

import pytest
from django.test import Client

from dentelle.accounts.models import User
from dentelle.core.roles import Role


@pytest.fixture
def reader(db):
    return User.objects.create_user("lecteur-erreurs", password="x-very-secret-1", role=Role.READER)


@pytest.mark.django_db
def test_forbidden_page_is_french_and_says_why(client, reader):
    client.force_login(reader)
    response = client.get("/insertion/beneficiaires/")
    assert response.status_code == 403
    text = response.content.decode()
    assert "Accès refusé" in text and "Forbidden" not in text
    assert "réservées aux facilitateurs et à la direction" in text
    assert 'lang="fr"' in text


@pytest.mark.django_db
def test_not_found_page_is_french(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.django_db
def test_server_error_page_is_french_without_traceback(settings):
    settings.ROOT_URLCONF = "tests.core.urls_boom"
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Erreur du serveur" in text and "réessayez plus tard" in text
    assert "panne simulée" not in text and "Traceback" not in text


@pytest.mark.django_db
def test_server_error_falls_back_to_bare_french_page_when_rendering_fails(settings, monkeypatch):
    from dentelle.core import views

    def broken_render(*args, **kwargs):
        raise RuntimeError("base de données indisponible")

    monkeypatch.setattr(views, "render", broken_render)
    settings.ROOT_URLCONF = "tests.core.urls_boom"
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Erreur du serveur" in text and 'lang="fr"' in text
    assert "A server error occurred" not in text
