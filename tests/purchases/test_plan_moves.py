"""An operation is one per service and reference: a file importing it into another plan moves it there.
The preview says so, plan by plan, and the import counts what it moved."""

import pytest

from dentelle.core.importing import ImportReport, run_import
from dentelle.purchases.importer import import_plan
from dentelle.purchases.models import Operation
from dentelle.purchases.plan_data import LotData, OperationData, PlanData
from dentelle.purchases.plan_services import check_services
from dentelle.purchases.plan_writer import MOVED_COUNT

pytestmark = pytest.mark.django_db


def plan_data():
    lots = [LotData(number="1", title="Nettoyage", cpv="90910000", line=2)]
    operations = [
        OperationData(reference=f"OP-{n}", title="Nettoyage", service="DL", nature="services", lots=lots)
        for n in (1, 2)
    ]
    return PlanData(operations=operations)


def imported(organisation, name):
    report, committed = run_import(
        import_plan, wet_run=True, plan_data=plan_data(), organisation=organisation, plan_name=name
    )
    assert committed
    return report


def test_the_preview_names_the_plan_the_operations_would_leave(organisation, service):
    imported(organisation, "Programmation 2026")
    report = ImportReport()
    check_services(report, plan_data=plan_data(), organisation=organisation)
    (warning,) = report.warnings
    assert "2 opération(s) de ce fichier (lignes 2, 2)" in str(warning)
    assert "programmation « Programmation 2026 »" in str(warning) and "déplacées" in str(warning)


def test_a_new_file_gives_no_such_warning(organisation, service):
    report = ImportReport()
    check_services(report, plan_data=plan_data(), organisation=organisation)
    assert report.warnings == []


def test_the_import_counts_the_operations_it_took_from_another_plan(organisation, service):
    assert MOVED_COUNT not in imported(organisation, "Programmation 2026").counts
    assert (
        MOVED_COUNT not in imported(organisation, "Programmation 2026").counts
    )  # same plan: updated in place
    assert imported(organisation, "Programmation 2027").counts[MOVED_COUNT] == 2
    assert set(Operation.objects.values_list("plan__name", flat=True)) == {"Programmation 2027"}


def test_re_importing_into_the_same_plan_warns_of_nothing(organisation, service):
    imported(organisation, "Programmation 2026")
    report = ImportReport()
    check_services(report, plan_data=plan_data(), organisation=organisation, plan_name="Programmation 2026")
    assert report.warnings == []
    check_services(report, plan_data=plan_data(), organisation=organisation, plan_name="Programmation 2027")
    assert "importées dans « Programmation 2027 », elles y seront déplacées" in str(report.warnings[0])
