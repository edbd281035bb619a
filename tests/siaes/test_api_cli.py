"""API (same filters and permissions as the pages), CLI stats, Le marché client on recorded payloads."""

import json

import pytest
from django.core.management import call_command

from dentelle.siaes.clients import LemarcheApiError, LemarcheClient
from dentelle.siaes.importers import import_records
from dentelle.siaes.importers.lemarche_api import read_lemarche_api_payload
from dentelle.siaes.models import Siae
from tests.factories import SiaeFactory, with_competences

from .conftest import DATA

pytestmark = pytest.mark.django_db


def test_api_requires_authentication(client):
    assert client.get("/api/siaes/").status_code == 401


def test_api_list_filters_and_paginates(client, reader, index):
    for _n in range(3):
        with_competences(SiaeFactory(), "7731")
    with_competences(SiaeFactory(in_ain=True), "9091")
    client.force_login(reader)
    data = client.get("/api/siaes/", {"cpv": "77", "department": "93", "limit": 2}).json()
    assert data["count"] == 3 and len(data["results"]) == 2 and data["results"][0]["competences"] == ["7731"]
    second = client.get("/api/siaes/", {"cpv": "77", "department": "93", "limit": 2, "offset": 2}).json()
    assert len(second["results"]) == 1
    assert client.get("/api/siaes/", {"kind": "EI"}).json()["count"] == 0


def test_api_list_query_count_is_flat(client, reader, index, django_assert_max_num_queries):
    client.force_login(reader)
    for _n in range(20):
        with_competences(SiaeFactory(), "7731", "9091")
    with django_assert_max_num_queries(6):
        client.get("/api/siaes/", {"limit": 20})


def test_api_detail_and_coverage(client, officer, index):
    siae = with_competences(SiaeFactory(kind="ESAT"), "7992")
    client.force_login(officer)
    detail = client.get(f"/api/siaes/{siae.pk}").json()
    assert detail["reservation_bases"] == ["L2113-12"] and detail["contacts"] == []
    assert detail["competences"][0]["cpv_prefix"] == "7992"
    coverage = client.get("/api/siaes/coverage", {"region": "11"}).json()
    packing = next(f for f in coverage["families"] if f["id"] == "packaging")
    assert packing["cpv_prefixes"] == ["7992"]
    assert packing["departments"]["93"] == {"count": 0, "disability": 1, "level": "clause"}  # ESAT: L2113-12
    assert client.get("/api/siaes/coverage", {"region": "99"}).status_code == 404


def test_stats_command(index, capsys):
    SiaeFactory(kind="ACI")
    with_competences(SiaeFactory(kind="EI", latitude=None, longitude=None, in_ain=True), "9091")
    call_command("siaes", "stats", "--json")
    stats = json.loads(capsys.readouterr().out)
    assert (
        stats["total"] == 2 and stats["geolocated_share"] == 50.0 and stats["with_competence_share"] == 50.0
    )
    assert {row["region"]: row["count"] for row in stats["by_region"]} == {"11": 1, "84": 1}
    call_command("siaes", "stats")
    assert "Géolocalisées : 1 (50.0 %)" in capsys.readouterr().out


def recorded_opener(pages):
    calls = []

    def opener(request):
        calls.append((request.full_url, request.get_header("Authorization")))
        return pages[len(calls) - 1]

    opener.calls = calls
    return opener


def load_pages():
    return [
        json.loads((DATA / name).read_text(encoding="utf-8"))
        for name in ("lemarche_api_page1.json", "lemarche_api_page2.json")
    ]


def test_client_follows_pages_with_the_token():
    opener = recorded_opener(load_pages())
    client = LemarcheClient(token="secret", opener=opener)
    items = client.siae_list()
    assert [i["id"] for i in items] == [9001, 9002, 9003]
    assert opener.calls[0][0].startswith(
        "https://lemarche.inclusion.beta.gouv.fr/api/siae/?limit=100&offset=0"
    )
    assert all(auth == "Bearer secret" for _url, auth in opener.calls)


def test_client_refuses_without_token_and_foreign_next_link():
    with pytest.raises(LemarcheApiError, match="Jeton"):
        LemarcheClient(token="", opener=recorded_opener([])).siae_list()
    page = {"count": 1, "next": "https://evil.example/api/siae/?offset=1", "results": []}
    with pytest.raises(LemarcheApiError, match="hors du site"):
        LemarcheClient(token="t", opener=recorded_opener([page, page])).siae_list()


def test_api_payload_import(index):
    from dentelle.core.importing import ImportReport

    report = ImportReport()
    records = list(read_lemarche_api_payload(load_pages(), report, None))
    assert [(p.line, p.column) for p in report.errors] == [(3, "kind")]  # OPCS is not a supplier kind
    import_records(report, source="lemarche-api", records=records, label="API")
    recyclerie = Siae.objects.get(siret="12345680800013")
    assert (
        recyclerie.offers_service_provision
        and recyclerie.offers_goods_production
        and not recyclerie.offers_staff_provision
    )
    assert recyclerie.commune_insee_code == "93001" and recyclerie.external_ids == {"lemarche": ["9001"]}
    assert Siae.objects.get(siret="12345681600016").is_active is False


def test_api_payload_file_through_the_command(index, capsys):
    call_command(
        "siaes", "import", "--source", "lemarche-api", str(DATA / "lemarche_api_page1.json"), "--wet-run"
    )
    assert Siae.objects.count() == 2
    assert "modification(s) enregistrée(s)" in capsys.readouterr().out
