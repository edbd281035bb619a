"""Login and API throttling with French messages (issue 10, defect 7)."""

import time

import pytest
from django.test import override_settings

from dentelle.accounts.models import ApiToken, User
from dentelle.core.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "Bon-mot-de-passe-2026"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(db):
    return User.objects.create_user("agent", password=PASSWORD, role=Role.READER)


def login(client, password, username="agent", address="10.0.0.1"):
    return client.post("/connexion/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_ten_wrong_passwords_lock_the_account_even_for_the_right_one(client, user):
    for _ in range(10):
        page = login(client, "mauvais")
        assert page.status_code == 200 and "_auth_user_id" not in client.session
    locked = login(client, PASSWORD)
    assert locked.status_code == 200 and "_auth_user_id" not in client.session
    assert "Trop de tentatives de connexion infructueuses" in locked.text
    assert "bloquée pendant 15 minutes" in locked.text
    # from another address too: the username itself is locked
    assert "_auth_user_id" not in login(client, PASSWORD, address="10.0.0.2").wsgi_request.session


def test_the_lock_ends_with_its_window(client, user, monkeypatch):
    for _ in range(10):
        login(client, "mauvais")
    assert "Trop de tentatives" in login(client, PASSWORD).text
    later = time.time() + 16 * 60  # the 15-minute window has passed
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: later)
    assert login(client, PASSWORD).status_code == 302


def test_a_few_mistakes_do_not_lock(client, user):
    for _ in range(3):
        login(client, "mauvais")
    assert login(client, PASSWORD).status_code == 302


def test_one_address_trying_many_usernames_is_locked(client, user):
    for number in range(10):
        login(client, "mauvais", username=f"inconnu{number}", address="10.9.9.9")
    assert "Trop de tentatives" in login(client, PASSWORD, address="10.9.9.9").text
    assert login(client, PASSWORD, address="10.0.0.3").status_code == 302


def test_the_admin_login_is_locked_too(client, user):
    user.is_staff = True
    user.save()
    for _ in range(10):
        client.post("/admin/login/", {"username": "agent", "password": "mauvais"}, REMOTE_ADDR="10.0.0.5")
    client.post("/admin/login/", {"username": "agent", "password": PASSWORD}, REMOTE_ADDR="10.0.0.5")
    assert "_auth_user_id" not in client.session


def test_wrong_api_keys_are_throttled_per_address(client, user):
    for number in range(20):
        response = client.get("/api/accounts/me", headers={"Authorization": f"Bearer dtl_faux{number}"})
        assert response.status_code == 401
    _, raw = ApiToken.issue(user)
    blocked = client.get("/api/accounts/me", headers={"Authorization": f"Bearer {raw}"})
    assert blocked.status_code == 429
    assert "Trop de clés d'API invalides" in blocked.json()["detail"]
    other = client.get("/api/accounts/me", headers={"X-API-Key": raw}, REMOTE_ADDR="10.1.1.1")
    assert other.status_code != 429


def test_an_api_user_is_limited_to_its_rate(client, user):
    _, raw = ApiToken.issue(user)
    headers = {"Authorization": f"Bearer {raw}"}
    with override_settings(DENTELLE_API_USER_RATE="5/m"):
        codes = [client.get("/api/accounts/me", headers=headers).status_code for _ in range(7)]
        last = client.get("/api/accounts/me", headers=headers)
    assert codes[:5] == [codes[0]] * 5 and codes[0] != 429
    assert codes[5:] == [429, 429]
    assert last.json()["detail"] == "Trop de requêtes : réessayez plus tard."
    assert "Retry-After" in last
