"""The matching search page: a link carrying only the CPV and the place ranks with the usual nature
(services) instead of answering « Ce champ est obligatoire »; its fields are DSFR."""

from django.urls import reverse


def test_search_without_nature_ranks_as_services(client, users):
    client.force_login(users["officer"])
    page = client.get(reverse("matching:search"), {"cpv": "77310000", "place": "93"})
    assert page.status_code == 200
    assert "Ce champ est obligatoire" not in page.text
    assert "Les Jardins" in page.text
    assert 'class="fr-select"' in page.text and 'class="fr-input"' in page.text
