"""One structured line per refused access, export, import and scan (dentelle.core.logs), without
personal data in clear: a person is written by id and role."""

import io
import json
import logging

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory

from dentelle.core.audit import log_access
from dentelle.core.importing import ImportReport, run_import
from dentelle.core.logs import CurrentStderrHandler, RequestEvents, kv, mark_export
from dentelle.core.roles import Role
from dentelle.decp.services import retrospective_file
from dentelle.purchases.services import scan_plan
from dentelle.purchases.supply import Supply
from tests.factories import LotFactory, OperationFactory

PLAN_JSON = "tests/data/purchases/plan.json"


def one(lines):
    assert len(lines) == 1, lines
    return lines[0]


def test_values_with_spaces_or_quotes_are_quoted():
    assert kv(a=1, b="deux mots", c=None, d='dit "non"') == 'a=1 b="deux mots" c=- d="dit \\"non\\""'


# --- Refused access ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_refused_by_role_writes_one_line_with_id_and_role(client, reader, dentelle_log):
    client.force_login(reader)
    assert client.get("/decp/export/").status_code == 403
    line = one(dentelle_log("access_refused"))
    assert f"user={reader.pk} role=reader" in line
    assert "status=403 " in line and "path=/decp/export/" in line
    assert 'reason="Votre rôle ne permet pas cette action."' in line
    assert reader.username not in line and (not reader.email or reader.email not in line)


@pytest.mark.django_db
def test_an_api_call_refused_by_role_writes_one_line(client, reader, dentelle_log):
    client.force_login(reader)
    assert client.get("/api/decp/export").status_code == 403
    line = one(dentelle_log("access_refused"))
    assert f"user={reader.pk} role=reader" in line and "path=/api/decp/export" in line
    assert "Votre rôle ne permet pas cette action." in line


@pytest.mark.django_db
def test_an_api_call_without_key_is_logged_as_anonymous(client, dentelle_log):
    assert client.get("/api/purchases/plans").status_code == 401
    line = one(dentelle_log("access_refused"))
    assert "status=401 user=anonyme" in line


@pytest.mark.django_db
def test_an_operation_of_another_service_is_hidden_and_logged(client, organisation, make_user, dentelle_log):
    other = OperationFactory(
        buyer_service__organisation=organisation, buyer_service__code="DPMG", in_plan=True
    )
    buyer = make_user(Role.BUYER, "DL")
    client.force_login(buyer)
    assert client.get(f"/achats/programmation/{other.plan_id}/").status_code == 404
    assert client.get(f"/api/purchases/plans/{other.plan_id}/report").status_code == 404
    page, api = dentelle_log("access_refused")
    assert f"status=404 user={buyer.pk} role=buyer path=/achats/programmation/{other.plan_id}/" in page
    assert f"status=404 user={buyer.pk} role=buyer path=/api/purchases/plans/{other.plan_id}/report" in api


@pytest.mark.django_db
def test_an_unknown_address_is_not_a_refused_access(client, officer, dentelle_log):
    client.force_login(officer)
    assert client.get("/nulle-part/").status_code == 404
    assert dentelle_log("access_refused") == []


# --- Exports -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_download_writes_one_export_line(client, officer, dentelle_log):
    client.force_login(officer)
    response = client.get("/decp/export/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    line = one(dentelle_log("export"))
    assert "kind=decp format=json rows=0" in line
    assert f"user={officer.pk} role=purchasing_officer path=/decp/export/" in line


@pytest.mark.django_db
def test_the_api_decp_export_gives_its_kind_and_rows(client, officer, dentelle_log):
    client.force_login(officer)
    response = client.get("/api/decp/export")
    assert response.status_code == 200
    rows = len(json.loads(response.content)["marches"]["marche"])
    assert f"kind=decp format=json rows={rows} user={officer.pk}" in one(dentelle_log("export"))


def test_a_marked_response_gives_kind_and_rows_to_the_line(dentelle_log):
    def view(request):
        response = HttpResponse(b"a;b\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="annuaire-siae-2026-12-07.csv"'
        return mark_export(response, "annuaire", 12)

    request = RequestFactory().get("/siae/export.csv?q=Dupont")
    RequestEvents(view)(request)
    line = one(dentelle_log("export"))
    assert line.startswith("event=export kind=annuaire format=csv rows=12 user=anonyme")
    assert "Dupont" not in line  # the query string is never written


def test_an_ordinary_page_is_not_an_export(dentelle_log):
    RequestEvents(lambda request: HttpResponse("<p>page</p>"))(RequestFactory().get("/"))
    assert dentelle_log("export") == []


# --- Imports and scans -------------------------------------------------------------------------


def test_an_import_line_gives_source_rows_errors_and_wet_run(dentelle_log, monkeypatch):
    import contextlib

    def importer(report):
        report.rows = 3
        report.count("lignes lues", 3)
        report.error(3, "montant", "illisible")

    monkeypatch.setattr("django.db.transaction.atomic", contextlib.nullcontext)
    run_import(importer, wet_run=True, report=ImportReport(source="/tmp/dossier/plan.csv"))
    line = one(dentelle_log("import"))
    assert "source=plan.csv rows=3 wet_run=True committed=False errors=1 warnings=0" in line
    assert 'counts="lignes lues=3"' in line and "/tmp/dossier" not in line


class ThreeAble:
    def prepare(self, requests):
        pass

    def count(self, request):
        return Supply(3, 0, None, "test")


@pytest.mark.django_db
def test_a_stored_scan_writes_plan_lots_and_findings(dentelle_log):
    lot = LotFactory(operation__in_plan=True, cleaning=True)
    counts = scan_plan(lot.operation.plan, supply=ThreeAble())
    line = one(dentelle_log("scan"))
    assert f"plan={lot.operation.plan_id} lots=1 findings={counts['findings']} operations=1" in line
    assert counts["findings"] > 0


@pytest.mark.django_db
def test_a_file_scan_writes_lots_and_findings(dentelle_log, tmp_path):
    out = tmp_path / "report.json"
    call_command("scan", PLAN_JSON, "--out", str(out), "--no-directory", "--quiet")
    findings = sum(len(entry["findings"]) for entry in json.loads(out.read_text())["lots"])
    assert f"event=scan plan=fichier lots=1 findings={findings}" in one(dentelle_log("scan"))


# --- Audit -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_audit_line_names_the_person_by_id(facilitator, dentelle_log):
    log_access(facilitator, "voir", object_type="insertion.Beneficiary", object_id="7")
    line = one(dentelle_log("audit"))
    assert f"user={facilitator.pk} role=facilitator object=insertion.Beneficiary:7" in line
    assert facilitator.username not in line


@pytest.mark.django_db
def test_a_decp_retrospective_writes_its_scan_line(dentelle_log):
    result = retrospective_file("tests/data/decp/consolidated_bad_rows.csv", supply=ThreeAble())
    line = one(dentelle_log("scan"))
    assert f"event=scan plan=decp lots={result.table.height} findings=" in line
    assert f"format=consolidated scanner_calls={result.scanner_calls}" in line


@pytest.mark.django_db
def test_a_plan_import_line_counts_the_lots_read(dentelle_log, organisation):
    from dentelle.purchases.importer import import_plan
    from dentelle.purchases.plan_data import LotData, OperationData, PlanData

    lots = [LotData(number=str(n), title=f"Lot {n}", cpv="90910000", line=n + 1) for n in (1, 2)]
    operation = OperationData(reference="OP-1", title="Nettoyage", service="DL", nature="services", lots=lots)
    run_import(
        import_plan, wet_run=False, plan_data=PlanData(operations=[operation]), organisation=organisation
    )
    assert " rows=2 wet_run=False " in one(dentelle_log("import"))


def test_the_console_handler_writes_to_the_current_stderr_never_a_closed_one(monkeypatch):
    handler = CurrentStderrHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    record = logging.makeLogRecord({"msg": "event=test", "levelno": logging.WARNING})
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stderr", first)
    handler.emit(record)
    first.close()  # what a test runner does with the capture of a finished test
    monkeypatch.setattr("sys.stderr", second)
    handler.emit(record)
    assert second.getvalue() == "event=test\n"
    assert logging.getLogger("dentelle").handlers[0].__class__ is CurrentStderrHandler
