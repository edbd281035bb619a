"""NUL and control characters never reach a query, whoever calls the search (PostgreSQL refuses NUL)."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from dentelle.siaes.models import Siae
from dentelle.siaes.search import SearchParams, clean_text, search_siaes, search_text
from tests.factories import SiaeFactory, with_competences

pytestmark = pytest.mark.django_db


def test_clean_text_turns_control_characters_into_spaces():
    assert clean_text("jar\x00dins\t\x1f ") == "jar dins"
    assert clean_text(None) == "" and clean_text("\x00") == ""


def test_search_called_directly_with_nul_does_not_fail(index):
    jardins = with_competences(SiaeFactory(name="Les Jardins de Cocagne"), "7731")
    SiaeFactory(name="Propreté Plus")
    params = SearchParams(q="jardins\x00", cpv="7731\x00", department="93\x00", place="\x00")
    assert params.q == "jardins" and params.cpv == "7731" and params.department == "93"
    assert list(search_siaes(params, index).queryset) == [jardins]
    assert list(search_text(Siae.objects.all(), "\x00cocagne")) == [jardins]
    assert list(Siae.objects.search("jardins\x00de")) == [jardins]
    assert list(Siae.objects.search("\x00" * 3).order_by("name")) == list(Siae.objects.order_by("name"))
    mapping = SearchParams.from_mapping(QueryDict("q=jar%00dins&region=11%00&kind=ACI%00"))
    assert (mapping.q, mapping.region, mapping.kinds) == ("jar dins", "11", [])


def test_page_and_api_answer_without_the_global_guard(client, reader, settings, index):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "config.api_guard.QueryGuard"]
    SiaeFactory(name="Les Jardins de Cocagne")
    client.force_login(reader)
    page = client.get(reverse("siaes:directory"), {"q": "jardins\x00"})
    assert page.status_code == 200 and "Les Jardins de Cocagne" in page.content.decode()
    assert client.get(reverse("siaes:export", args=["csv"]), {"q": "\x00jardins"}).status_code == 200
    api = client.get("/api/siaes/", {"q": "jardins\x00", "offset": str(10**9)})
    assert api.status_code == 200 and api.json()["results"] == [] and api.json()["count"] == 1
    api = client.get("/api/siaes/", {"q": "jardins", "offset": str(10**30)})  # beyond the schema's bound
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["query", "offset"]
    assert client.get(f"/api/siaes/{10**30}").status_code == 404
