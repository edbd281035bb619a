"""The directory opens on the structures of the user's organisation's region, and the search stays the
user's: a query sent (even an empty one) is not redirected."""

import pytest

from dentelle.accounts.models import Organisation
from dentelle.core.roles import Role


@pytest.mark.django_db
def test_directory_opens_on_the_organisation_region(client, index, django_user_model):
    organisation = Organisation.objects.create(name="Région Île-de-France", region_code="11")
    user = django_user_model.objects.create(username="acheteur", role=Role.BUYER, organisation=organisation)
    client.force_login(user)
    response = client.get("/siae/")
    assert response.status_code == 302
    assert response["Location"] == "/siae/?place=%C3%8Ele-de-France"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'value="Île-de-France"' in page.content.decode()
    assert client.get("/siae/?place=").status_code == 200  # emptied by the user: the whole directory


@pytest.mark.django_db
def test_directory_without_organisation_region_opens_on_everything(client, index, django_user_model):
    user = django_user_model.objects.create(username="lecteur", role=Role.READER)
    client.force_login(user)
    assert client.get("/siae/").status_code == 200


@pytest.mark.slow
@pytest.mark.django_db
def test_directory_map_may_be_embedded_by_this_site_only(client, index, django_user_model):
    user = django_user_model.objects.create(username="lecteur", role=Role.READER)
    client.force_login(user)
    response = client.get("/siae/carte.svg?place=93")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "frame-ancestors 'none'" not in policy
    assert "script-src 'self'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'none'" in client.get("/siae/?place=93")["Content-Security-Policy"]
