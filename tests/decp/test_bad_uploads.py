"""Bad uploads found by the QA crawl: refused by name first, French reasons only (no English library text)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dentelle.accounts.models import ApiToken
from dentelle.core.roles import Role
from dentelle.decp.forms import upload_problem
from dentelle.decp.readers import DecpFileError, detect_format, iter_decp_csv

OWN = Path(__file__).resolve().parent.parent / "data" / "decp"


@pytest.mark.parametrize("name", ["programmation.xlsx", "outil.exe", "notes.txt", "sans-extension"])
def test_upload_problem_refuses_other_extensions(name, settings):
    assert upload_problem(name, 100) == (
        "Formats acceptés : .json, .csv ou leur version compressée .gz, .parquet (fichier consolidé)."
    )


@pytest.mark.parametrize("name", ["a.json", "A.CSV", "a.json.gz", "a.csv.gz", "decp.parquet"])
def test_upload_problem_accepts_decp_names(name):
    assert upload_problem(name, 100) is None


def test_upload_problem_empty_and_too_big(settings):
    settings.DENTELLE_MAX_UPLOAD_BYTES = 1000
    assert upload_problem("a.json", 0) == "Le fichier envoyé est vide."
    assert "trop volumineux" in upload_problem("a.json", 1001)


@pytest.mark.django_db
def test_page_refuses_a_spreadsheet_by_name(client, make_user):
    client.force_login(make_user(Role.BUYER))
    upload = SimpleUploadedFile("plan.xlsx", b"PK\x03\x04 not really a workbook")
    response = client.post("/decp/", {"file": upload})
    assert response.status_code == 200
    assert "Formats acceptés : .json, .csv" in response.text
    assert 'id="decp-result"' not in response.text


@pytest.mark.django_db
def test_api_refuses_wrong_extension_and_empty_file(client, make_user):
    headers = {"Authorization": f"Bearer {ApiToken.issue(make_user(Role.BUYER))[1]}"}
    exe = SimpleUploadedFile("outil.exe", b"MZ\x90\x00")
    response = client.post("/api/decp/analyse", {"file": exe}, headers=headers)
    assert response.status_code == 400 and "Formats acceptés" in response.json()["detail"]
    empty = SimpleUploadedFile("vide.csv", b"")
    response = client.post("/api/decp/analyse", {"file": empty}, headers=headers)
    assert response.status_code == 400
    assert response.json()["detail"] in {"Le fichier envoyé est vide.", "The submitted file is empty."} - {
        "The submitted file is empty."
    }


def test_broken_gzip_message_is_french_only():
    stream = _named(b"\x1f\x8b" + b"garbage, not deflate data" * 10, "abîmé.json.gz")
    with pytest.raises(DecpFileError) as caught:
        detect_format(stream)
    assert str(caught.value) == "Fichier DECP « abîmé.json.gz » : archive gzip abîmée."


def test_csv_error_message_is_french_only():
    with pytest.raises(DecpFileError) as caught:
        list(iter_decp_csv(OWN / "csv_broken_quotes.csv"))
    message = str(caught.value)
    assert "CSV mal formé ligne" in message
    assert "unexpected" not in message and "guillemet non fermé avant la fin du fichier" in message


def _named(data, name):
    import io

    stream = io.BytesIO(data)
    stream.name = name
    return stream
