"""A plan file writes only into the services the user may write (issue 10, defect 1)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dentelle.accounts.models import BuyerService
from dentelle.core.importing import ImportReport
from dentelle.core.roles import Role
from dentelle.jobs.worker import run_pending
from dentelle.purchases.models import Operation, PurchasePlan
from dentelle.purchases.planfile import read_table_file
from tests.factories import LotFactory
from tests.purchases.plan_imports import run_plan_import

HEADER = "Référence;Objet;Code CPV;Montant estimé HT;Direction/Service\n"


def upload(client, rows, name="plan.csv"):
    data = (HEADER + "".join(row + "\n" for row in rows)).encode()
    return client.post("/achats/importer/", {"file": SimpleUploadedFile(name, data, "text/csv")})


def confirm(client, name="Plan déposé"):
    """Confirm, let the worker run the job, and return the job's page (where its outcome is shown)."""
    response = client.post("/achats/importer/", {"step": "confirm", "name": name})
    assert response.status_code == 302 and response["Location"].startswith("/travaux/")
    run_pending()
    return client.get(response["Location"])


@pytest.fixture
def foreign_lot(organisation):
    """An operation and a lot of the DFP service, which the DL buyer may not see."""
    lot = LotFactory(
        operation__in_plan=True,
        operation__plan__name="Plan DFP",
        operation__buyer_service=BuyerService.objects.get(organisation=organisation, code="DFP"),
        operation__reference="DECP-2019A13800",
        operation__title="Nettoyage des locaux",
        operation__estimated_amount=Decimal("500000"),
        number="1",
        cleaning=True,
        estimated_amount=Decimal("500000"),
    )
    operation = lot.operation
    return operation, lot


@pytest.mark.django_db
def test_a_buyer_cannot_overwrite_another_services_operation(client, make_user, foreign_lot):
    operation, lot = foreign_lot
    client.force_login(make_user(Role.BUYER, "DL"))
    preview = upload(client, ["DECP-2019A13800;ECRASE PAR ACHETEUR DL;90911200;1;DFP"]).content.decode()
    assert "ligne 2, colonne « direction/service »" in preview
    assert "votre rôle ne permet pas d&#x27;écrire dans la programmation de ce service" in preview
    assert "Confirmer l&#x27;import" not in preview
    page = confirm(client).content.decode()  # forcing the confirmation changes nothing either
    assert "Import annulé" in page
    operation.refresh_from_db()
    lot.refresh_from_db()
    assert (operation.title, lot.title, lot.estimated_amount) == (
        "Nettoyage des locaux",
        "Nettoyage des locaux",
        Decimal("500000"),
    )
    assert Operation.objects.count() == 1
    assert not PurchasePlan.objects.filter(name="Plan déposé").exists()


@pytest.mark.django_db
def test_a_buyer_cannot_create_a_service_from_a_file(client, make_user, organisation):
    client.force_login(make_user(Role.BUYER, "DL"))
    preview = upload(client, ["OP-1;Entretien;90911200;1000;Service Pirate"]).content.decode()
    assert "service « Service Pirate » inconnu" in preview
    assert "seuls la direction et les chargés des achats peuvent créer un service" in preview
    confirm(client)
    assert not BuyerService.objects.filter(name="Service Pirate").exists()
    assert not Operation.objects.exists()


@pytest.mark.django_db
def test_a_buyer_imports_into_its_own_service(client, make_user, organisation, foreign_lot):
    client.force_login(make_user(Role.BUYER, "DL"))
    upload(client, ["DECP-2019A13800;Entretien DL;90911200;1000;DL"])
    page = confirm(client).content.decode()
    assert "Import enregistré" in page
    own = Operation.objects.get(buyer_service__code="DL")
    assert own.reference == "DECP-2019A13800" and own.title == "Entretien DL"
    foreign_lot[0].refresh_from_db()
    assert foreign_lot[0].title == "Nettoyage des locaux"  # the other service's operation is untouched


@pytest.mark.django_db
def test_an_officer_is_told_before_a_service_is_created(client, officer, organisation):
    client.force_login(officer)
    preview = upload(client, ["OP-1;Entretien;90911200;1000;Service Nouveau"]).content.decode()
    assert "il sera créé dans Région Test à la confirmation" in preview
    assert not BuyerService.objects.filter(name="Service Nouveau").exists()  # the preview writes nothing
    confirm(client)
    assert Operation.objects.get().buyer_service.name == "Service Nouveau"


@pytest.mark.django_db
def test_the_importer_refuses_rows_outside_the_writable_services(organisation, foreign_lot):
    data = (HEADER + "DECP-2019A13800;ECRASE;90911200;1;DFP\nOP-2;Autre;90911200;5;DL\n").encode()
    report = ImportReport(source="plan.csv")
    plan_data = read_table_file(data, "plan.csv", report, None)
    writable = BuyerService.objects.filter(code="DL")
    report, committed = run_plan_import(
        plan_data, report, organisation, writable=writable, create_services=False
    )
    assert not committed
    assert [(p.line, p.column) for p in report.errors] == [(2, "direction/service")]
    assert Operation.objects.count() == 1


@pytest.mark.django_db
def test_a_buyer_adding_to_a_shared_plan_does_not_change_its_year(client, make_user, foreign_lot):
    client.force_login(make_user(Role.BUYER, "DL"))
    upload(client, ["OP-DL;Entretien DL;90911200;1000;DL"])
    confirm(client, name="Plan DFP")
    plan = PurchasePlan.objects.get(name="Plan DFP")
    assert plan.year == 2026 and plan.source_file == ""  # the other service's plan is left as it was
    assert plan.operations.filter(buyer_service__code="DL").exists()
