"""User review, round 2: the plan's year comes from its name (upload page, job, CLI); the preview says
which year the plan gets and whether it exists; the job's result counts the file's lots and, of the
scan, what the user sees; the upload page explains the format itself."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from dentelle.accounts.models import BuyerService
from dentelle.core.roles import Role
from dentelle.jobs.models import Job
from dentelle.jobs.worker import run_pending
from dentelle.purchases.job_handlers import import_message, scan_message
from dentelle.purchases.models import PurchasePlan
from dentelle.purchases.plan_data import plan_year, year_in_name
from tests.factories import LotFactory
from tests.purchases.test_service_scope import confirm, upload

DATA = Path(__file__).resolve().parents[1] / "data" / "purchases"


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("Programmation 2028", 2028),
        ("PPA 2028-2029", 2028),
        ("ppa2029", 2029),
        ("Plan des lycées", None),
        ("Marché 120245", None),  # digits of a longer number are no year
        ("", None),
    ],
)
def test_the_year_a_name_holds(name, year):
    assert year_in_name(name) == year


def test_the_plan_year_rule():
    today = date(2026, 12, 7)
    assert plan_year("Programmation 2028", declared=2027, today=today) == (2028, "name")
    assert plan_year("Programmation 2028", chosen=2030, today=today) == (2030, "chosen")
    assert plan_year("Plan des lycées", declared=2027, today=today) == (2027, "file")
    assert plan_year("Plan des lycées", today=today) == (2027, "default")


def test_the_job_result_counts_the_files_lots_and_the_scan_the_user_sees():
    imported = {"lots": 1, "opérations mises à jour": 1}
    message = import_message(imported, {"lots": 3, "findings": 2, "kept_decisions": 0})
    assert message == (
        "Import enregistré : 1 lot du fichier (1 opération mise à jour). Balayage : 3 lots de la "
        "programmation visibles avec votre rôle, 2 propositions."
    )
    message = import_message({"lots": 4, "opérations créées": 2}, {"lots": 1, "findings": 1})
    assert message.startswith(
        "Import enregistré : 4 lots du fichier (2 opérations créées). Balayage : 1 lot "
    )


def test_the_scan_result_in_french_numbers_and_plurals():
    assert scan_message({"lots": 1, "findings": 12000, "kept_decisions": 0}) == (
        "Balayage refait : 1 lot, 12\u202f000 propositions, 0 décision conservée."
    )


@pytest.mark.django_db
def test_a_plan_named_for_2028_is_a_2028_plan_and_the_preview_says_so(client, officer, organisation):
    client.force_login(officer)
    preview = upload(client, ["OP-1;Entretien;90911200;1000;DL"], name="Programmation 2028.csv")
    page = preview.content.decode()
    assert "Année 2028, lue dans le nom « Programmation 2028 »" in page
    assert 'name="year"' in page and "existe" not in page
    confirm(client, name="Programmation 2028")
    assert PurchasePlan.objects.get(name="Programmation 2028").year == 2028


@pytest.mark.django_db
def test_the_year_typed_in_the_form_wins(client, officer, organisation):
    client.force_login(officer)
    upload(client, ["OP-1;Entretien;90911200;1000;DL"], name="Programmation 2028.csv")
    response = client.post("/achats/importer/", {"step": "confirm", "name": "Plan lycées", "year": "2029"})
    assert response.status_code == 302
    run_pending()
    assert PurchasePlan.objects.get(name="Plan lycées").year == 2029


@pytest.mark.django_db
def test_a_year_that_is_no_year_is_refused(client, officer, organisation):
    client.force_login(officer)
    upload(client, ["OP-1;Entretien;90911200;1000;DL"])
    response = client.post(
        "/achats/importer/", {"step": "confirm", "name": "P", "year": "deux mille"}, follow=True
    )
    assert "Année « deux mille » invalide" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_one_blocking_error_is_singular(client, officer, organisation):
    client.force_login(officer)
    page = upload(client, ["OP-1;Entretien;abc;1000;DL"]).content.decode()
    assert "1 erreur bloquante :" in page and "erreur(s)" not in page
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_the_cli_takes_the_year_from_the_name(organisation, capsys):
    call_command(
        "plan", "import", str(DATA / "plan.json"), "--organisation", organisation.name,
        "--name", "PPA 2030-2031", "--wet-run",
    )  # fmt: skip
    assert "Programmation « PPA 2030-2031 » (nouvelle) : année 2030" in capsys.readouterr().out
    assert PurchasePlan.objects.get(name="PPA 2030-2031").year == 2030


@pytest.fixture
def shared_plan(organisation):
    """« Programmation 2028 » with a DL lot and a DPMG lot."""
    dl = LotFactory(
        operation__in_plan=True,
        operation__plan__name="Programmation 2028",
        operation__plan__year=2028,
        operation__buyer_service=BuyerService.objects.get(organisation=organisation, code="DL"),
        operation__reference="OP-1",
        number="1",
        estimated_amount=Decimal("1000"),
    )
    LotFactory(
        operation__plan=dl.operation.plan,
        operation__buyer_service=BuyerService.objects.get(organisation=organisation, code="DPMG"),
        operation__reference="OP-DPMG",
        number="1",
    )
    return dl.operation.plan


@pytest.mark.django_db
def test_a_buyer_is_told_the_plan_exists_and_its_result_counts_its_own_lots(
    client, make_user, organisation, shared_plan
):
    client.force_login(make_user(Role.BUYER, "DL"))
    page = upload(client, ["OP-1;Entretien;90911200;1000;DL"], name="Programmation 2028.csv").content.decode()
    assert (
        "La programmation « Programmation 2028 » existe : ses opérations de ce fichier seront mises à jour, "
        "les autres restent."
    ) in page
    assert "elle garde son année, 2028" in page
    confirm(client, name="Programmation 2028")
    job = Job.objects.get()
    assert job.result["message"].startswith(
        "Import enregistré : 1 lot du fichier (1 opération mise à jour). Balayage : 1 lot de la programmation"
    ), job.result["message"]
    assert job.result["lots"] == 1  # the DPMG lot is scanned but not counted


@pytest.mark.django_db
def test_the_upload_page_explains_the_format_without_repository_paths(client, officer, organisation):
    client.force_login(officer)
    page = client.get("/achats/importer/").content.decode()
    assert "docs/" not in page and ".md" not in page
    assert "Colonnes reconnues" in page and "montant estimé HT" in page
