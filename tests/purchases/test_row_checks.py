"""User review, round 2: the preview reports every bad cell of a row (line, column, reason), no
« montant absent » for a refused amount, shows the first rows as read, matches services without
accents or case, and writes « 1 opération, 1 lot »."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dentelle.accounts.models import BuyerService
from dentelle.core.importing import ImportReport
from dentelle.core.roles import Role
from dentelle.jobs.models import JobKind, JobState
from dentelle.purchases.plan_data import LotData, OperationData, PlanData
from dentelle.purchases.planfile import read_table_file
from dentelle.purchases.views_upload import sample_rows
from tests.jobs.test_jobs import run_job

HEADER = (
    "Objet;Code CPV;Montant estimé HT;Direction/Service;Lieu d'exécution;Date prévisionnelle de lancement\n"
)


def read(*rows):
    report = ImportReport()
    data = (HEADER + "".join(row + "\n" for row in rows)).encode()
    plan = read_table_file(data, "plan.csv", report)
    return plan, report


def problems(report):
    return [(p.line, p.column, p.blocking) for p in report.problems]


def test_every_bad_cell_of_a_row_is_reported():
    plan, report = read("Nettoyage;abc;douze mille;DL;Paris;32/13/2027")
    assert problems(report) == [
        (2, "Code CPV", True),
        (2, "Montant estimé HT", True),
        (2, "Date prévisionnelle de lancement", True),
    ]
    assert plan.operations == [] and plan.refused_rows == [(2, "DL")]


def test_an_empty_object_does_not_hide_the_other_bad_cells():
    _plan, report = read(";abc;1000;DL;Paris;")
    assert problems(report) == [(2, "Objet", True), (2, "Code CPV", True)]


@pytest.mark.parametrize("amount", ["douze mille", "-5000"])
def test_a_refused_amount_is_an_error_without_a_missing_amount_warning(amount):
    _plan, report = read(f"Nettoyage;90911200;{amount};DL;Paris;")
    texts = [str(p) for p in report.problems]
    assert len(report.errors) == 1 and not any("montant absent" in text for text in texts), texts


def test_an_empty_amount_still_warns():
    _plan, report = read("Nettoyage;90911200;;DL;Paris;")
    assert any("montant absent" in str(p) for p in report.warnings)


def test_a_service_written_without_accents_joins_the_same_operation():
    plan, _report = read(
        "Nettoyage;90911200;1000;Direction des lycées;;", "Nettoyage;90911200;2000;direction des lycees;;"
    )
    assert len(plan.operations) == 1 and len(plan.operations[0].lots) == 2


def test_the_sample_shows_the_first_rows_as_read_in_french():
    lots = [
        LotData(
            number="1", title="Travaux", cpv="45000000", amount=Decimal("5000000.00"), place="Paris", line=3
        ),
        LotData(number="2", title="Études", amount=Decimal("1234.5"), line=2),
    ]
    plan = PlanData(operations=[OperationData(reference="A", title="Travaux", service="DL", lots=lots)])
    assert sample_rows(plan) == [
        (2, "Études", "DL", "", "1\u202f234,50\u202f€", "", ""),
        (3, "Travaux", "DL", "45000000", "5\u202f000\u202f000\u202f€", "Paris", ""),
    ]
    assert len(sample_rows(plan, count=1)) == 1


def upload(client, *rows):
    data = (HEADER + "".join(row + "\n" for row in rows)).encode()
    return client.post("/achats/importer/", {"file": SimpleUploadedFile("plan.csv", data, "text/csv")})


@pytest.mark.django_db
def test_the_preview_reports_every_bad_cell_and_the_service_of_a_refused_row(client, make_user, organisation):
    client.force_login(make_user(Role.BUYER, "DL"))
    page = upload(client, "Nettoyage;abc;douze mille;Direction inconnue;Paris;").content.decode()
    assert "ligne 2, colonne « Code CPV »" in page
    assert "ligne 2, colonne « Montant estimé HT »" in page
    assert "service « Direction inconnue » inconnu" in page
    assert "montant absent" not in page


@pytest.mark.django_db
def test_a_service_named_without_accents_is_found(client, officer, organisation):
    BuyerService.objects.filter(organisation=organisation, code="DL").update(name="Direction des lycées")
    client.force_login(officer)
    page = upload(
        client, "Nettoyage;90911200;5 000 000,00;direction des lycees;Paris;01/03/2027"
    ).content.decode()
    assert "inconnu" not in page and "sera créé" not in page
    assert "<strong>1</strong> opération, <strong>1</strong> lot lu." in page
    assert "Premières lignes lues" in page and "5\u202f000\u202f000\u202f€" in page and "01/03/2027" in page


@pytest.mark.django_db
def test_the_failed_import_lists_the_service_of_a_refused_row_too(make_user, organisation):
    job = run_job(
        JobKind.PLAN_IMPORT,
        "Import fautif",
        organisation=organisation,
        user=make_user(Role.BUYER, "DL"),
        params={"plan_name": "Plan fautif", "mapping": {}},
        input_file=("plan.csv", (HEADER + "Nettoyage;abc;douze mille;Direction inconnue;Paris;\n").encode()),
    )
    assert job.state == JobState.FAILED
    assert "« Code CPV »" in job.error and "« Montant estimé HT »" in job.error
    assert "service « Direction inconnue » inconnu" in job.error
    assert not BuyerService.objects.filter(name="Direction inconnue").exists()


@pytest.mark.django_db
def test_a_name_typed_with_the_file_sets_the_preview_year(client, officer, organisation):
    client.force_login(officer)
    data = (HEADER + "Nettoyage;90911200;1000;DL;Paris;\n").encode()
    file = SimpleUploadedFile("maj.csv", data, "text/csv")
    page = client.post("/achats/importer/", {"file": file, "name": "PPA 2029-2030"}).content.decode()
    assert "Année 2029, lue dans le nom « PPA 2029-2030 »" in page
    assert 'value="PPA 2029-2030"' in page
