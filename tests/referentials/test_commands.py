"""`dentelle referentials …` through call_command."""

import json

import pytest
from django.core.management.base import CommandError

from dentelle.referentials.models import CpvCode, ReferentialLoad
from tests.commands import command_runner

pytestmark = pytest.mark.django_db


run = command_runner("referentials")


def test_load_is_a_dry_run_by_default(small_data):
    output = run("load", "--data-dir", str(small_data))
    assert "Simulation" in output and "codes CPV" in output
    assert not CpvCode.objects.exists()


def test_load_wet_run_then_if_changed_skips(small_data):
    output = run("load", "--data-dir", str(small_data), "--wet-run", "--only", "cpv,naf")
    assert "Référentiels enregistrés" in output
    assert set(ReferentialLoad.objects.values_list("name", flat=True)) == {"cpv", "naf"}
    again = run("load", "--data-dir", str(small_data), "--wet-run", "--if-changed", "--only", "cpv")
    assert "cpv : déjà à jour" in again and "rien à recharger" in again


def test_load_bad_row_gives_file_line_and_leaves_database_unchanged(small_data):
    path = small_data / "cpv" / "cpv_2008.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("77310000-6", "77310000-XX"), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        run("load", "--data-dir", str(small_data), "--wet-run")
    message = str(excinfo.value)
    assert "cpv_2008.csv" in message and "ligne" in message and "code CPV mal formé" in message
    assert "La base n'a pas été modifiée" in message
    assert not CpvCode.objects.exists()


def test_load_missing_directory(tmp_path, empty_referentials):
    with pytest.raises(CommandError, match="fichier introuvable"):
        run("load", "--data-dir", str(tmp_path / "absent"), "--wet-run")


def test_load_unknown_referential(small_data):
    with pytest.raises(CommandError, match="Référentiel inconnu : sirene"):
        run("load", "--data-dir", str(small_data), "--only", "sirene")


def test_status_json_and_text(small_data):
    run("load", "--data-dir", str(small_data), "--wet-run")
    rows = json.loads(run("status", "--json"))
    cpv = next(row for row in rows if row["key"] == "cpv")
    assert cpv["count"] == CpvCode.objects.count() and cpv["version"].startswith("CPV 2008")
    assert "Nomenclature CPV 2008" in run("status")


def test_resolve_place_text_and_json(referentials_loaded):
    text = run("resolve-place", "Ville de Gennevilliers")
    assert "commune : Gennevilliers (92036)" in text and "département : Hauts-de-Seine (92)" in text
    assert "région : Île-de-France (11)" in text
    data = json.loads(run("resolve-place", "Paris", "--code", "75013", "--json"))
    assert (data["kind"], data["code"], data["department_code"]) == ("commune", "75113", "75")
    assert "Aucun territoire trouvé" in run("resolve-place", "Afrique du Sud")
    assert json.loads(run("resolve-place", "Afrique du Sud", "--json")) is None


def test_cpv_command(referentials_loaded):
    output = run("cpv", "773100006")
    assert "77310000-6  Réalisation et entretien d'espaces verts" in output
    assert "77300000" in output  # ancestors are listed for a single result
    found = json.loads(run("cpv", "restauration scolaire", "--json", "--limit", "3"))
    assert found[0]["code"] == "55523100" and len(found) <= 3
    assert "Aucun code CPV" in run("cpv", "xyzzy introuvable")
