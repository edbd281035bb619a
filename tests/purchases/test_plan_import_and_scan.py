"""Import, scan, decisions (database)."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from dentelle.purchases.models import Finding, FindingStatus, LineItem, Lot, Operation, PurchasePlan
from dentelle.purchases.planfile import read_plan_file
from dentelle.purchases.services import accept_finding, reject_finding, scan_plan
from dentelle.purchases.supply import Supply
from tests.factories import LotFactory, OperationFactory, PurchasePlanFactory
from tests.purchases.plan_imports import run_plan_import

DATA = Path(__file__).resolve().parents[1] / "data" / "purchases"


class NoSupply:
    def prepare(self, requests):
        pass

    def count(self, request):
        cpv = request.cpv
        return Supply(3 if cpv.startswith("77") or cpv.startswith("909") else 0, 0, None, "test")


def load(organisation, name="plan_semicolon.csv"):
    plan_data, report = read_plan_file(DATA / name)
    report, committed = run_plan_import(plan_data, report, organisation, strict=False, source_file=name)
    assert committed
    return PurchasePlan.objects.get(organisation=organisation)


@pytest.mark.django_db
def test_plan_import_command_is_a_dry_run_by_default(organisation, capsys):
    call_command("plan", "import", str(DATA / "plan.json"), "--organisation", organisation.name)
    assert not Operation.objects.exists()
    out = capsys.readouterr().out
    assert "Simulation" in out


@pytest.mark.django_db
def test_plan_import_command_wet_run_writes_operations_lots_and_line_items(organisation):
    call_command("plan", "import", str(DATA / "plan.json"), "--organisation", organisation.name, "--wet-run")
    operation = Operation.objects.get(reference="AUB-1")
    assert operation.buyer_service.code == "DESR"
    assert operation.lots.get().place_kind
    assert LineItem.objects.filter(operation=operation).count() == 2


@pytest.mark.django_db
def test_plan_import_command_refuses_a_file_with_bad_rows(organisation):
    with pytest.raises(CommandError, match="Import annulé"):
        call_command(
            "plan",
            "import",
            str(DATA / "plan_semicolon.csv"),
            "--organisation",
            organisation.name,
            "--wet-run",
        )
    assert not Operation.objects.exists()


@pytest.mark.django_db
def test_plan_import_missing_file():
    with pytest.raises(CommandError, match="introuvable"):
        call_command("plan", "import", "/nope/plan.csv")


@pytest.mark.django_db
def test_reimport_is_idempotent(organisation):
    load(organisation)
    counts = (Operation.objects.count(), Lot.objects.count())
    load(organisation)
    assert (Operation.objects.count(), Lot.objects.count()) == counts


@pytest.mark.django_db
def test_rescan_keeps_decisions(organisation, officer):
    plan = load(organisation)
    scan_plan(plan, supply=NoSupply())
    finding = Finding.objects.filter(rule_id="R1-clause").first()
    reject_finding(finding, officer, "Marché trop court pour une clause.")
    first = Finding.objects.count()
    counts = scan_plan(plan, supply=NoSupply())
    finding.refresh_from_db()
    assert finding.status == FindingStatus.REJECTED
    assert finding.rejection_reason == "Marché trop court pour une clause."
    assert Finding.objects.count() == first
    assert counts["kept_decisions"] == 1


@pytest.mark.django_db
def test_reject_requires_a_reason(organisation, officer):
    plan = load(organisation)
    scan_plan(plan, supply=NoSupply())
    finding = Finding.objects.first()
    with pytest.raises(ValidationError):
        reject_finding(finding, officer, "  ")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.PROPOSED


@pytest.mark.django_db
def test_accepting_updates_the_lots_planned_measures(organisation, officer):
    plan = load(organisation)
    scan_plan(plan, supply=NoSupply())
    clause = Finding.objects.filter(rule_id="R1-clause").first()
    accept_finding(clause, officer)
    clause.lot.refresh_from_db()
    assert clause.lot.clause_hours == clause.estimated_hours
    reservation = Finding.objects.filter(rule_id="R3-reservation").first()
    accept_finding(reservation, officer)
    reservation.lot.refresh_from_db()
    assert reservation.lot.reservation_kind == "siae"
    # Re-scanning no longer proposes what was applied, and keeps the accepted findings.
    scan_plan(plan, supply=NoSupply())
    clause.refresh_from_db()
    assert clause.status == FindingStatus.ACCEPTED and not clause.is_current


@pytest.mark.django_db
def test_accepting_a_carve_out_creates_the_reserved_small_lot(organisation, officer):
    call_command("plan", "import", str(DATA / "plan.json"), "--organisation", organisation.name, "--wet-run")
    scan_plan(PurchasePlan.objects.get(), supply=NoSupply())
    carve_out = Finding.objects.get(rule_id="R5-carve-out", subject="ligne:PL")
    accept_finding(carve_out, officer)
    new_lot = Lot.objects.get(pk=carve_out.proposal["created_lot"])
    assert new_lot.reservation_kind == "siae"
    assert new_lot.procedure == "adapted_small_lot"
    assert LineItem.objects.get(reference="PL").carved_out_lot == new_lot


@pytest.mark.django_db
def test_scan_command_writes_json_report(organisation, tmp_path):
    out = tmp_path / "report.json"
    call_command("scan", str(DATA / "plan.json"), "--out", str(out), "--no-directory", "--quiet")
    import json

    report = json.loads(out.read_text())
    assert report["summary"]["lots"] == 1
    findings = report["lots"][0]["findings"]
    assert {"rule", "kind", "estimated_hours", "reasons", "legal_basis"} <= set(findings[0])
    assert "R5-carve-out" in {f["rule"] for f in findings}


@pytest.mark.django_db
def test_scan_command_writes_xlsx(tmp_path):
    out = tmp_path / "report.xlsx"
    call_command("scan", str(DATA / "plan_semicolon.csv"), "--out", str(out), "--no-directory", "--quiet")
    from openpyxl import load_workbook

    sheet = load_workbook(out).worksheets[0]
    assert sheet.max_row == 1 + 6  # header + one row per lot (the bad row is kept, unpriced)


def test_scan_command_rejects_bad_options():
    with pytest.raises(CommandError):
        call_command("scan", str(DATA / "plan.json"), "--out", "report.pdf")


def test_unknown_cpv_codes_are_dropped_with_a_warning(monkeypatch):
    from dentelle.core.importing import ImportReport
    from dentelle.purchases import importer
    from dentelle.purchases.planfile import read_table_file

    monkeypatch.setattr(importer, "known_cpv_codes", lambda: {"45000000"})
    report = ImportReport()
    plan = read_table_file(
        b"objet;code CPV\nLe marche du siecle;12345678\nTravaux;45000000\n", "x.csv", report
    )
    assert importer.drop_unknown_cpv(plan, report) == 1
    assert [lot.cpv for op in plan.operations for lot in op.lots] == ["", "45000000"]
    assert "12345678" in str(report.warnings[0])


@pytest.mark.django_db
def test_undated_lot_of_a_2028_plan_gets_the_2026_obligation(service):
    """The review's lot: a 5 M€ cleaning lot of the 2028 plan with no launch date is flagged, and the
    finding says the launch is assumed within the plan's year."""
    plan = PurchasePlanFactory(organisation=service.organisation, year=2028)
    operation = OperationFactory(buyer_service=service, plan=plan, planned_launch_date=None)
    LotFactory(operation=operation, cleaning=True, estimated_amount=5_000_000, annual_amount=None)
    scan_plan(plan, supply=NoSupply())
    finding = Finding.objects.get(rule_id="R2-obligation-2026")
    assert finding.reasons[0].startswith(
        "Date de lancement inconnue : lancement supposé en 2028 (année de la programmation)"
    )
