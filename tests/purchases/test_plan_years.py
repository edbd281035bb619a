"""An operation is one per plan, service and reference: a recurring purchase keeps its reference from one
yearly plan to the next, and importing next year's plan leaves this year's plan, its lots and its decisions
as they are. Re-importing into the same plan updates it in place."""

import pytest

from dentelle.core.importing import ImportReport, run_import
from dentelle.purchases.importer import import_plan
from dentelle.purchases.models import Finding, Lot, Operation
from dentelle.purchases.plan_data import LotData, OperationData, PlanData
from dentelle.purchases.plan_services import check_services

pytestmark = pytest.mark.django_db


def plan_data(title="Nettoyage"):
    lots = [LotData(number="1", title=title, cpv="90910000", line=2)]
    operations = [
        OperationData(reference=f"OP-{n}", title=title, service="DL", nature="services", lots=lots)
        for n in (1, 2)
    ]
    return PlanData(operations=operations)


def imported(organisation, name, title="Nettoyage"):
    report, committed = run_import(
        import_plan, wet_run=True, plan_data=plan_data(title), organisation=organisation, plan_name=name
    )
    assert committed
    return report


def operations_by_plan():
    rows = Operation.objects.values_list("plan__name", "reference", "title").order_by(
        "plan__name", "reference"
    )
    return list(rows)


def test_next_years_plan_leaves_this_years_plan_and_its_decisions(organisation, service):
    imported(organisation, "Programmation 2026")
    decided = Finding.objects.create(
        lot=Lot.objects.get(operation__reference="OP-1"),
        rule_id="R1-clause",
        kind="social_clause",
        status="accepted",
    )
    report = imported(organisation, "Programmation 2027", title="Nettoyage 2027")
    assert report.counts["opérations créées"] == 2 and "opérations mises à jour" not in report.counts
    assert operations_by_plan() == [
        ("Programmation 2026", "OP-1", "Nettoyage"),
        ("Programmation 2026", "OP-2", "Nettoyage"),
        ("Programmation 2027", "OP-1", "Nettoyage 2027"),
        ("Programmation 2027", "OP-2", "Nettoyage 2027"),
    ]
    decided.refresh_from_db()
    assert decided.status == "accepted" and decided.lot.operation.plan.name == "Programmation 2026"


def test_re_importing_into_the_same_plan_updates_in_place(organisation, service):
    imported(organisation, "Programmation 2026")
    first = set(Operation.objects.values_list("pk", flat=True))
    report = imported(organisation, "Programmation 2026", title="Nettoyage révisé")
    assert report.counts["opérations mises à jour"] == 2 and "opérations créées" not in report.counts
    assert set(Operation.objects.values_list("pk", flat=True)) == first
    assert set(Operation.objects.values_list("title", flat=True)) == {"Nettoyage révisé"}


def test_the_preview_warns_of_nothing_for_a_reference_already_in_another_plan(organisation, service):
    imported(organisation, "Programmation 2026")
    report = ImportReport()
    check_services(report, plan_data=plan_data(), organisation=organisation)
    assert report.warnings == [] and report.errors == []
