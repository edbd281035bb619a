import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError

from dentelle.accounts.models import ApiToken
from dentelle.core.roles import Role
from dentelle.siaes.models import Siae
from tests.commands import command_runner

SHARED = Path(settings.DENTELLE_DATA_DIR) / "decp"
OWN = Path(__file__).resolve().parent.parent / "data" / "decp"
V2_EXAMPLE = SHARED / "decp_v2_exemple_reel_megalis_2024-07-09.json"


run = command_runner("decp")


@pytest.mark.django_db
def test_cli_analyse_v2_reports_share_against_pnad_target():
    text = run("analyse", str(V2_EXAMPLE))
    assert "DECP v2 (JSON, format 2024)" in text
    assert "Avec au moins une considération sociale (v2) : 0 / 1 = 0,0 % — objectif PNAD 30,0 %" in text


@pytest.mark.django_db
def test_cli_analyse_json_finds_known_siae_holders():
    Siae.objects.create(siret="32933888305269", siren="329338883", name="Charpente solidaire", kind="EI")
    payload = json.loads(run("analyse", str(V2_EXAMPLE), "--json"))
    assert payload["format"] == "v2-json" and payload["records"] == 5
    holders = {(h["siret"], h["role"]) for h in payload["siae_holders"]}
    assert holders == {("32933888305269", "titulaire"), ("32933888305269", "sous-traitant")}


@pytest.mark.django_db
def test_cli_analyse_v1_with_region_and_anomalies():
    text = run("analyse", str(OWN / "v1_bad_records.json"), "--region", "11", "--anomalies", "3")
    assert "Région 11 : 1 retenus" in text  # only B1 (Aubervilliers) has a place
    assert "part non mesurable" in text
    assert text.count("  - enregistrement n°") == 3


@pytest.mark.parametrize(
    ("name", "expected"),
    [("v1_truncated.json", "JSON mal formé"), ("absent.json", "introuvable")],
)
@pytest.mark.django_db
def test_cli_analyse_bad_file_is_a_french_command_error(name, expected):
    with pytest.raises(CommandError, match=expected):
        run("analyse", str(OWN / name))


# ---------------------------------------------------------------- page


@pytest.mark.django_db
def test_page_requires_login(client):
    response = client.get("/decp/")
    assert response.status_code == 302 and "/connexion/" in response["Location"]


@pytest.mark.django_db
def test_page_refuses_siae_members(client, make_user):
    client.force_login(make_user(Role.SIAE_MEMBER))
    assert client.get("/decp/").status_code == 403


@pytest.mark.django_db
def test_page_upload_runs_the_analysis(client, make_user):
    client.force_login(make_user(Role.READER))
    page = client.get("/decp/")
    assert page.status_code == 200 and 'href="/decp/"' in page.text
    assert "decp-export" not in page.text  # a reader does not export
    upload = SimpleUploadedFile("megalis.json", V2_EXAMPLE.read_bytes(), content_type="application/json")
    response = client.post("/decp/", {"file": upload})
    assert response.status_code == 200
    assert 'id="decp-result"' in response.text
    assert "<strong>0 / 1</strong>" in response.text
    assert 'id="decp-divisions"' in response.text


@pytest.mark.django_db
def test_page_upload_of_a_broken_file_names_it(client, make_user):
    client.force_login(make_user(Role.BUYER))
    upload = SimpleUploadedFile("cassé.json", (OWN / "v1_truncated.json").read_bytes())
    response = client.post("/decp/", {"file": upload})
    assert response.status_code == 200
    assert "« cassé.json » : JSON mal formé" in response.text
    assert 'id="decp-result"' not in response.text


@pytest.mark.django_db
def test_page_upload_size_limit(client, make_user, settings):
    settings.DENTELLE_MAX_UPLOAD_BYTES = settings.DENTELLE_DECP_MAX_UPLOAD_BYTES = 1000
    client.force_login(make_user(Role.BUYER))
    upload = SimpleUploadedFile("gros.json", V2_EXAMPLE.read_bytes())
    response = client.post("/decp/", {"file": upload})
    assert "Fichier trop volumineux" in response.text and 'id="decp-result"' not in response.text


@pytest.mark.django_db
def test_page_export_downloads_v2_json(client, buyer, awarded_contract):
    client.force_login(buyer)
    response = client.get("/decp/export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["marches"]["marche"][0]["id"] == "2026-DL-014"
    assert int(response["X-Decp-Ecarts-Schema"]) > 0


# ---------------------------------------------------------------- API


def token_for(user):
    return {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}


@pytest.mark.django_db
def test_api_analyse_multipart(client, make_user):
    headers = token_for(make_user(Role.FACILITATOR))
    upload = SimpleUploadedFile("v1.csv", (OWN / "v1_bad_rows.csv").read_bytes())
    response = client.post("/api/decp/analyse", {"file": upload}, headers=headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["format"] == "v1-csv" and body["records"] == 4
    assert body["contracts_over_threshold"] == 1
    assert body["anomalies"] == len(body["first_anomalies"]) > 0
    assert {"record", "id", "field", "reason"} == set(body["first_anomalies"][0])


@pytest.mark.django_db
def test_api_analyse_errors(client, make_user, settings):
    headers = token_for(make_user(Role.BUYER))
    broken = SimpleUploadedFile("x.json", (OWN / "no_marches_key.json").read_bytes())
    response = client.post("/api/decp/analyse", {"file": broken}, headers=headers)
    assert response.status_code == 400 and "« x.json »" in response.json()["detail"]
    settings.DENTELLE_MAX_UPLOAD_BYTES = 10
    big = SimpleUploadedFile("y.json", V2_EXAMPLE.read_bytes())
    assert client.post("/api/decp/analyse", {"file": big}, headers=headers).status_code == 413


@pytest.mark.django_db
def test_api_permissions(client, make_user):
    member = token_for(make_user(Role.SIAE_MEMBER))
    upload = SimpleUploadedFile("v2.json", V2_EXAMPLE.read_bytes())
    assert client.post("/api/decp/analyse", {"file": upload}, headers=member).status_code == 403
    reader = token_for(make_user(Role.READER, username="reader2"))
    assert client.get("/api/decp/export", headers=reader).status_code == 403
    assert client.get("/api/decp/export").status_code == 401


@pytest.mark.django_db
def test_api_export(client, buyer, awarded_contract):
    response = client.get("/api/decp/export", headers=token_for(buyer))
    assert response.status_code == 200
    marche = response.json()["marches"]["marche"][0]
    assert marche["considerationsSociales"]["considerationSociale"] == ["Clause sociale", "Marché réservé"]


@pytest.mark.django_db
def test_page_and_api_export_the_same_file(client, buyer, awarded_contract):
    api = client.get("/api/decp/export", headers=token_for(buyer))
    client.force_login(buyer)
    page = client.get("/decp/export/")
    for response in (api, page):
        assert response["Content-Disposition"] == 'attachment; filename="decp_v2_export.json"'
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    assert api.content == page.content and api["X-Decp-Ecarts-Schema"] == page["X-Decp-Ecarts-Schema"]
