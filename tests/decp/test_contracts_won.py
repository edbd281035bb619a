"""`dentelle siaes contracts-won FILE` (= `dentelle decp contracts-won`): contracts won by directory structures recorded on their profiles."""

import json
import re

import polars as pl
import pytest
from django.core.management import CommandError

from dentelle.cli import main
from dentelle.siaes.models import Siae, WonContract
from tests.commands import command_runner

ALONE = "73282932000074"  # known by its SIRET
OTHER_SITE_OF_UNIQUE = "78471226700078"  # SIREN 784712267 names one structure (another establishment)
SHARED_SIREN = "552100554"  # two structures: Lyon (69) and Paris (75)


def contract(number, holder, place="69", uid=""):
    return {
        "id": f"2019-{number}",
        "uid": uid,
        "acheteur": {"id": "21690123100011", "nom": "Ville de Lyon"},
        "nature": "Marché",
        "objet": f"Nettoyage des locaux n° {number}",
        "codeCPV": "90910000",
        "procedure": "Procédure adaptée",
        "lieuExecution": {"code": place, "typeCode": "Code département", "nom": ""},
        "dureeMois": 12,
        "dateNotification": "2019-03-01",
        "montant": 120000,
        "titulaires": [{"typeIdentifiant": "SIRET", "id": holder, "denominationSociale": "Titulaire"}],
    }


def structure(siret, name, kind, **fields):
    """A directory structure whose SIREN is its SIRET's first nine digits."""
    return Siae.objects.create(siret=siret, siren=siret[:9], name=name, kind=kind, **fields)


@pytest.fixture
def directory(db):
    made = {
        "alone": structure(ALONE, "Jardins", "ACI"),
        "unique": structure("78471226700060", "Propre", "EI"),
        "lyon": structure(SHARED_SIREN + "00013", "ESAT Lyon", "ESAT", department_code="69"),
        "paris": structure(SHARED_SIREN + "00021", "ESAT Paris", "ESAT", department_code="75"),
    }
    return made


@pytest.fixture
def decp_file(tmp_path):
    records = [
        contract(1, ALONE, uid="21690123100011-2019-1"),
        contract(2, OTHER_SITE_OF_UNIQUE),
        contract(3, SHARED_SIREN + "00099", place="75"),  # settled by the department: Paris
        contract(4, SHARED_SIREN + "00099", place="13"),  # neither: reported, not guessed
        contract(5, "44306184100047"),  # not in the directory
    ]
    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": records}, ensure_ascii=False), encoding="utf-8")
    return path


run = command_runner("decp", "contracts-won")


def test_dry_run_writes_nothing_and_says_what_it_would_do(directory, decp_file):
    text = run(str(decp_file))
    assert "3 modification(s) à faire (simulation)." in text
    assert "SIREN 552100554 partagé par plusieurs structures de l'annuaire : 1 marché(s)" in text
    assert WonContract.objects.count() == 0


def test_wet_run_records_the_contracts_on_the_profiles_then_changes_nothing(directory, decp_file):
    text = run(str(decp_file), "--wet-run")
    assert "titulaires reconnus par SIRET : 1" in text
    assert "titulaires reconnus par SIREN : 1" in text
    assert "titulaires reconnus par SIREN et département du marché : 1" in text
    won = {(w.siae_id, w.decp_id): w for w in WonContract.objects.all()}
    assert set(won) == {
        (directory["alone"].pk, "21690123100011-2019-1"),  # the uid when published (the evaluation's key)
        (directory["unique"].pk, "2019-2"),
        (directory["paris"].pk, "2019-3"),
    }
    first = won[(directory["alone"].pk, "21690123100011-2019-1")]
    assert first.object == "Nettoyage des locaux n° 1" and first.cpv_code == "90910000"
    assert first.buyer_name == "Ville de Lyon" and str(first.amount) == "120000.00"
    assert first.source == "DECP decp.json" and str(first.date) == "2019-03-01"
    assert "0 modification : les fiches étaient déjà à jour." in run(str(decp_file), "--wet-run")
    assert WonContract.objects.count() == 3


def test_a_changed_contract_is_updated(directory, decp_file, tmp_path):
    run(str(decp_file), "--wet-run")
    data = json.loads(decp_file.read_text(encoding="utf-8"))
    data["marches"][1]["montant"] = 150000
    decp_file.write_text(json.dumps(data), encoding="utf-8")
    text = run(str(decp_file), "--wet-run")
    assert "marchés remportés mis à jour : 1" in text
    assert str(WonContract.objects.get(decp_id="2019-2").amount) == "150000.00"


def test_the_matching_reads_them_as_won_contract_evidence(directory, decp_file):
    from dentelle.matching.index import build_index_from_db, directory_version

    run(str(decp_file), "--wet-run")
    arrays = build_index_from_db(directory_version())
    # Each recorded contract is a competence « marché remporté » keyed by its DECP id (uid, else id):
    # the key the evaluation leaves out when it evaluates that very contract.
    assert set(arrays.evidence_ids) == {"21690123100011-2019-1", "2019-2", "2019-3"}


def test_consolidated_parquet_holders_and_objects(directory, tmp_path):
    rows = [
        {"uid": "U1", "id": "1", "titulaire_id": ALONE, "objet": "Espaces verts"},
        {"uid": "U1", "id": "1", "titulaire_id": "44306184100047", "objet": "Espaces verts"},
        {"uid": "U2", "id": "2", "titulaire_id": SHARED_SIREN + "00013", "objet": "Blanchisserie"},
    ]
    common = {
        "acheteur_id": "21690123100011",
        "acheteur_nom": "Ville de Lyon",
        "titulaire_typeIdentifiant": "SIRET",
        "montant": "50000",
        "codeCPV": "77310000",
        "dateNotification": "2019-05-01",
        "lieuExecution_code": "69",
        "lieuExecution_typeCode": "Code département",
        "type": "Marché",
    }
    path = tmp_path / "decp.parquet"
    pl.DataFrame([{**common, **row} for row in rows]).write_parquet(path)
    run(str(path), "--wet-run")
    won = sorted(WonContract.objects.values_list("decp_id", "object", "siae__name"))
    assert won == [("U1", "Espaces verts", "Jardins"), ("U2", "Blanchisserie", "ESAT Lyon")]


def test_bad_files_are_french_errors_and_write_nothing(directory, tmp_path):
    with pytest.raises(CommandError, match=re.escape("introuvable")):
        run(str(tmp_path / "absent.json"))
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1" + b"\x00" * 20)
    with pytest.raises(CommandError, match="Import annulé"):
        run(str(broken), "--wet-run")
    assert WonContract.objects.count() == 0


def test_the_siaes_name_of_the_command_still_runs_it(directory, decp_file, capsys):
    assert main(["siaes", "contracts-won", str(decp_file)]) == 0
    assert "3 modification(s) à faire (simulation)." in capsys.readouterr().out
