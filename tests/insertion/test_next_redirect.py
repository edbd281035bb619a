"""`next` after validating a declaration stays on the site (issue 10, defect 8)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "http://testserver@evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
    ],
)
def test_an_off_site_next_is_ignored(client, facilitator, declaration, target):
    client.force_login(facilitator)
    response = client.post(f"/insertion/declarations/{declaration.pk}/valider/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/insertion/declarations/a-valider/"


def test_a_local_next_is_followed(client, facilitator, declaration):
    client.force_login(facilitator)
    back = f"/insertion/marches/{declaration.contract_id}/"
    response = client.post(f"/insertion/declarations/{declaration.pk}/valider/", {"next": back})
    assert response["Location"] == back
