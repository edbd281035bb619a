"""API endpoints (token or session) and the pages under /referentiels/."""

import pytest

from dentelle.accounts.models import ApiToken, User
from dentelle.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return User.objects.create(username="lecteur-ref", role=Role.READER)  # no password: no slow hashing


@pytest.fixture
def api(client, reader):
    _token, raw = ApiToken.issue(reader)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def test_api_requires_authentication(client, referentials_loaded):
    assert client.get("/api/referentials/cpv/77310000").status_code == 401
    assert client.get("/api/referentials/places/resolve", {"q": "93"}).status_code == 401


def test_api_cpv_detail(api, referentials_loaded):
    data = api.get("/api/referentials/cpv/773100006").json()
    assert data["full_code"] == "77310000-6" and data["level"] == "classe" and data["parent"] == "77300000"
    assert [a["code"] for a in data["ancestors"]] == ["77300000", "77000000"]
    assert data["children"] and all(c["code"].startswith("7731") for c in data["children"])
    assert api.get("/api/referentials/cpv/12345678").status_code == 404


def test_api_cpv_search(api, referentials_loaded):
    data = api.get("/api/referentials/cpv", {"q": "nettoyage de bureaux", "limit": 3}).json()
    assert data[0]["code"] == "90919200" and len(data) <= 3


def test_api_place_resolve(api, referentials_loaded):
    data = api.get(
        "/api/referentials/places/resolve",
        {"q": "Port de Bouc Cédex", "code": "13528", "code_type": "Code postal"},
    ).json()
    assert (data["kind"], data["code"], data["department_code"], data["region_code"]) == (
        "commune",
        "13077",
        "13",
        "93",
    )
    missing = api.get("/api/referentials/places/resolve", {"q": "Afrique du Sud"})
    assert missing.status_code == 404 and "Aucun territoire" in missing.json()["detail"]


def test_api_commune_and_status(api, referentials_loaded):
    data = api.get("/api/referentials/communes/93001").json()
    assert (data["name"], data["department_name"], data["region_name"]) == (
        "Aubervilliers",
        "Seine-Saint-Denis",
        "Île-de-France",
    )
    assert "93300" in data["postcodes"]
    assert api.get("/api/referentials/communes/00000").status_code == 404
    status = {row["key"]: row for row in api.get("/api/referentials/status").json()}
    assert status["cpv"]["count"] == 9454 and status["communes"]["version"]


def test_pages_need_login(client):
    assert client.get("/referentiels/").status_code == 302


def test_pages(client, reader, referentials_loaded):
    client.force_login(reader)
    home = client.get("/referentiels/")
    assert (
        home.status_code == 200
        and "Nomenclature CPV 2008" in home.text
        and "9 454" in home.text.replace("\u202f", " ").replace("\xa0", " ")
    )
    cpv = client.get("/referentiels/cpv/", {"q": "restauration scolaire"})
    assert "55523100-3" in cpv.text
    assert "Aucun code CPV" in client.get("/referentiels/cpv/", {"q": "xyzzy"}).text
    place = client.get("/referentiels/lieux/", {"q": "Département des Yvelines"})
    assert "Yvelines" in place.text and "département" in place.text
    assert "Aucun territoire trouvé" in client.get("/referentiels/lieux/", {"q": "Afrique du Sud"}).text
