"""`dentelle decp analyse FILE --buyer SIRET --out report.xlsx`: the national retrospective from the CLI."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from dentelle.siaes.models import Siae

SHARED = Path(settings.DENTELLE_DATA_DIR) / "decp"
V1_CSV = SHARED / "decp_2019_v1_marches.csv"
V2_EXAMPLE = SHARED / "decp_v2_exemple_reel_megalis_2024-07-09.json"
NORMANDIE = "20005340300057"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("decp", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_cli_retrospective_with_peer_card_and_xlsx(tmp_path):
    out = tmp_path / "retro.xlsx"
    text, _err = run("analyse", str(V1_CSV), "--buyer", NORMANDIE, "--out", str(out))
    assert "Rétrospective : ce que le scanner aurait proposé" in text
    assert "Par catégorie d'acheteur :" in text and "  Région : 76 marchés" in text
    assert "Fiche de comparaison : Région Normandie (20005340300057)" in text
    assert "Marchés : 55 (rang 1/4" in text
    assert "marchés passés à regarder en premier" in text
    assert f"Rétrospective écrite dans {out}." in text
    from openpyxl import load_workbook

    book = load_workbook(out, read_only=True)
    card = [row for row in book["Fiche de comparaison"].iter_rows(values_only=True)]
    assert card[0][1] == "Région Normandie" and card[1][:3] == ("Marchés", 55, 1)


@pytest.mark.django_db
def test_cli_retrospective_json_counts_contracts_won_by_directory_structures():
    Siae.objects.create(siret="32933888305269", siren="329338883", name="Charpente solidaire", kind="EI")
    text, _err = run("analyse", str(V2_EXAMPLE), "--json")
    retro = json.loads(text)["retrospective"]
    assert sum(row["siae_won"] for row in retro["categories"]) >= 1
    assert sum(row["contracts"] for row in retro["categories"]) == 5
    assert retro["scanner_calls"] <= 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--buyer", "Région"], "--buyer attend le SIRET de l'acheteur (14 chiffres)"),
        (["--out", "rapport.csv"], "--out attend un fichier .xlsx"),
        (["--out", "/nonexistent-dir/r.xlsx"], "Impossible d'écrire"),
    ],
)
def test_cli_retrospective_bad_options_are_french_errors(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run("analyse", str(V2_EXAMPLE), *args)


@pytest.mark.django_db
def test_cli_retrospective_unknown_buyer_is_said_not_a_crash():
    text, err = run("analyse", str(V2_EXAMPLE), "--buyer", "12345678901234")
    assert "pas de fiche de comparaison" in err
    assert "Fiche de comparaison" not in text


@pytest.fixture
def officer(db):
    from dentelle.accounts.models import Organisation, User
    from dentelle.core.roles import Role

    organisation = Organisation.objects.create(name="Région test rétrospective")
    return User.objects.create_user(
        "retro-reader", password="x-very-secret-1", role=Role.READER, organisation=organisation
    )


@pytest.fixture
def referentials_in_this_test(db):
    """The real referentials inside this test's transaction (rolled back after it): the session-wide load
    (`referentials_loaded`) would stay in the database and clash with the tiny geography that tests/matching
    builds when it runs later in the same session."""
    from dentelle.referentials.index import get_index, invalidate_index
    from dentelle.referentials.loaders import load_referentials
    from dentelle.referentials.models import Commune

    if not Commune.objects.exists():
        load_referentials(settings.DENTELLE_DATA_DIR, wet_run=True)
    invalidate_index()
    yield get_index()
    invalidate_index()


@pytest.mark.slow
def test_page_shows_the_retrospective_and_the_peer_card(client, officer, tmp_path, referentials_in_this_test):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dentelle.decp.sample import consolidated_rows

    path = tmp_path / "decp.parquet"
    consolidated_rows(settings.DENTELLE_DATA_DIR).write_parquet(path)  # 2019 rows, consolidated schema
    client.force_login(officer)
    upload = SimpleUploadedFile("decp.parquet", path.read_bytes())
    response = client.post("/decp/", {"file": upload, "buyer": "200 053 403 00057"})
    assert response.status_code == 200
    text = response.text
    assert 'id="decp-retro-categories"' in text and 'id="decp-retro-departments"' in text
    assert "Fiche de comparaison : Région Normandie (20005340300057)" in text
    assert "4 acheteurs dans le fichier" in text
    assert 'id="decp-top"' in text and "h d&#x27;insertion" in text
    assert "lycée le verrier à saint-lô" in text and "(objet non lu)" not in text  # read back from the upload
    # The map of the missed potential: one circle per department with hours, its name in the title.
    map_svg = text.split('id="decp-missed-map"')[1].split("</svg>")[0]
    assert map_svg.count("<circle") > 50 and "<title>93 Seine-Saint-Denis : " in map_svg


def test_page_refuses_a_buyer_that_is_not_a_siret(client, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officer)
    upload = SimpleUploadedFile("megalis.json", V2_EXAMPLE.read_bytes())
    response = client.post("/decp/", {"file": upload, "buyer": "Région Normandie"})
    assert response.status_code == 200
    assert "SIRET de l&#x27;acheteur attendu (14 chiffres)." in response.text
    assert 'id="decp-result"' not in response.text


def test_page_downloads_the_retrospective_as_xlsx(client, officer):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    client.force_login(officer)
    upload = SimpleUploadedFile("données 2019.csv", V1_CSV.read_bytes())
    response = client.post("/decp/", {"file": upload, "buyer": NORMANDIE, "xlsx": "1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"] == 'attachment; filename="retrospective-donn-es-2019.xlsx"'
    book = load_workbook(BytesIO(response.content), read_only=True)
    assert "Fiche de comparaison" in book.sheetnames and "Marchés à regarder" in book.sheetnames
