"""An operation read from a file without a reference is named by its object (not « service|objet »), one per
service; migration 0006 renames the stored « service|objet » keys so that re-importing updates them."""

import importlib

import pytest
from django.apps import apps

from dentelle.core.importing import ImportReport
from dentelle.purchases.models import Operation, PurchasePlan
from dentelle.purchases.planfile import read_table_file
from tests.factories import OperationFactory

MIGRATION = importlib.import_module("dentelle.purchases.migrations.0006_generated_references_are_the_object")


def read(text):
    report = ImportReport()
    plan = read_table_file(text.encode(), "plan.csv", report)
    assert report.errors == []
    return plan


def test_without_a_reference_an_operation_is_named_by_its_object_within_its_service():
    plan = read(
        "objet;code CPV;montant;service\n"
        "Restauration scolaire;55523100;100000;DL\n"
        "Restauration scolaire;55523100;50000;DL\n"
        "Restauration scolaire;55523100;80000;DFP\n"
    )
    assert [(op.service, op.reference, len(op.lots)) for op in plan.operations] == [
        ("DL", "Restauration scolaire", 2),
        ("DFP", "Restauration scolaire", 1),
    ]


def test_the_same_reference_in_two_services_makes_two_operations():
    plan = read("objet;référence;service\nNettoyage;OP-1;DL\nGardiennage;OP-1;DFP\n")
    assert [(op.service, op.reference, op.title) for op in plan.operations] == [
        ("DL", "OP-1", "Nettoyage"),
        ("DFP", "OP-1", "Gardiennage"),
    ]


def test_generated_keys_are_told_from_references_a_user_wrote():
    assert MIGRATION.generated("Direction des lycées|Restauration scolaire", "Restauration scolaire")
    long_title = "Entretien " * 20
    assert MIGRATION.generated(f"DL|{long_title}"[:80], long_title)
    assert not MIGRATION.generated("OP|2026", "Restauration scolaire")
    assert not MIGRATION.generated("2026-DL-014", "Restauration scolaire")
    assert not MIGRATION.generated("|Restauration scolaire", "Restauration scolaire")


@pytest.mark.django_db
def test_migration_0006_renames_generated_keys_unless_the_object_is_taken(service):
    plan = PurchasePlan.objects.create(
        organisation=service.organisation, year=2026, name="Programmation 2026"
    )
    renamed = OperationFactory(
        plan=plan, buyer_service=service, title="Restauration", reference="DL|Restauration"
    )
    kept = OperationFactory(plan=plan, buyer_service=service, title="Nettoyage", reference="DL|Nettoyage")
    OperationFactory(plan=plan, buyer_service=service, title="Autre", reference="Nettoyage")
    written = OperationFactory(plan=plan, buyer_service=service, title="Gardiennage", reference="LOT|2026")
    MIGRATION.forward(apps, None)
    references = dict(Operation.objects.values_list("pk", "reference"))
    assert references[renamed.pk] == "Restauration"
    assert references[kept.pk] == "DL|Nettoyage"  # its object is another operation's reference
    assert references[written.pk] == "LOT|2026"
