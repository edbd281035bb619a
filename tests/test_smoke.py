import pytest

from dentelle.accounts.models import ApiToken, User
from dentelle.core.roles import Role


@pytest.mark.django_db
def test_home_page_lists_referentials_for_anonymous(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Données de référence chargées" in response.text
    assert "Nomenclature CPV 2008" in response.text


@pytest.mark.django_db
def test_home_shows_capabilities_of_role(client):
    user = User.objects.create_user("k", password="x-very-secret-1", role=Role.FACILITATOR)
    client.force_login(user)
    response = client.get("/")
    assert "Facilitateur des clauses sociales" in response.text
    assert "valider les heures réalisées" in response.text


@pytest.mark.django_db
def test_api_token_is_hashed_and_revocable(client):
    user = User.objects.create_user("api", password="x-very-secret-1", role=Role.READER)
    token, raw = ApiToken.issue(user)
    assert raw not in token.key_hash and len(token.key_hash) == 64
    ok = client.get("/api/accounts/me", headers={"Authorization": f"Bearer {raw}"})
    assert ok.status_code == 200 and ok.json()["role"] == "reader"
    token.revoke()
    assert client.get("/api/accounts/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert client.get("/api/accounts/me").status_code == 401


@pytest.mark.django_db
def test_navigation_is_shown_to_signed_in_users_only(client):
    assert 'href="/achats/"' not in client.get("/").text
    client.force_login(User.objects.create_user("r", password="x-very-secret-1", role=Role.READER))
    page = client.get("/").text
    assert 'href="/achats/"' in page and 'href="/siae/"' in page
