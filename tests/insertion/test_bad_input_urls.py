"""Out-of-range years and negative paging are user errors, not server errors (found by the QA crawl)."""

import pytest

from dentelle.accounts.models import ApiToken
from dentelle.core.roles import Role


def auth(user):
    return {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}


@pytest.mark.parametrize(
    "url", ["/insertion/bilan/99999/", "/insertion/bilan/0.xlsx", "/insertion/bilan/1999/"]
)
@pytest.mark.django_db
def test_report_pages_answer_404_for_impossible_years(client, facilitator, url):
    client.force_login(facilitator)
    response = client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("query", ["annee=99999", "annee=-5", "au=9999-12-31", "annee=abc"])
@pytest.mark.django_db
def test_dashboard_falls_back_to_this_year(client, facilitator, query):
    client.force_login(facilitator)
    response = client.get(f"/insertion/?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/insertion/report/0",
        "/api/insertion/report/99999",
        "/api/insertion/progress?year=99999",
        "/api/insertion/progress?as_of=0001-01-01",
        "/api/insertion/declarations?year=99999",
    ],
)
@pytest.mark.django_db
def test_api_answers_in_french_for_impossible_years(client, facilitator, url):
    """Years are bounded in the OpenAPI schema (a French 422 naming the field); a date's year by the view (400)."""
    response = client.get(url, headers=auth(facilitator))
    if "as_of" in url:
        assert response.status_code == 400
        assert response.json()["detail"] == "Année attendue entre 2000 et 2100."
    else:
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["loc"][-1] == "year" and error["msg"].startswith("valeur trop")


@pytest.mark.django_db
def test_api_declarations_negative_paging_is_refused_in_french(client, declaration, make_user):
    headers = auth(make_user(Role.DIRECTION, username="dir-paging"))
    response = client.get("/api/insertion/declarations?offset=-5&limit=-1", headers=headers)
    assert response.status_code == 400
    assert response.json()["detail"] == "Paramètre « offset » : nombre positif ou nul attendu."
    response = client.get("/api/insertion/declarations?offset=0&limit=10", headers=headers)
    assert [row["id"] for row in response.json()] == [declaration.pk]
