"""Issue 10, defects 2, 5 and 10 for plan files: every number bounded at parsing, French row errors,
nothing stored that a page could not read back, previews bounded in time and rows."""

import json
import time
from decimal import Decimal

import pytest

from dentelle.core.importing import ImportReport, run_import
from dentelle.core.spreadsheet import UPLOAD
from dentelle.purchases import plan_rows
from dentelle.purchases.importer import import_plan
from dentelle.purchases.models import Lot, Operation, PurchasePlan
from dentelle.purchases.plan_data import PlanFileError
from dentelle.purchases.planfile import read_table_file
from tests.files import xlsx_bytes as workbook_bytes

HEADER = ["Référence", "Objet", "Code CPV", "Montant estimé HT", "Durée (mois)", "Direction/Service"]


def csv_bytes(rows):
    return "\n".join(";".join(str(c) for c in row) for row in [HEADER, *rows]).encode()


def xlsx_bytes(rows):
    return workbook_bytes([HEADER, *rows])


def json_bytes(amount=1000, duration=12, **extra):
    lot = {"number": "1", "cpv": "90910000", "amount": amount, "duration_months": duration}
    operation = {"reference": "OP-1", "title": "Nettoyage", "service": "DL", "lots": [lot]}
    return json.dumps({"operations": [operation], **extra}).encode()


def import_bytes(data, name, organisation):
    report = ImportReport(source=name)
    try:
        plan_data = read_table_file(data, name, report)
    except PlanFileError as exc:
        return report, False, str(exc)
    report, committed = run_import(
        import_plan, wet_run=True, report=report, plan_data=plan_data, organisation=organisation
    )
    return report, committed, ""


def readable():
    """Every stored number reads back (SQLite stores what PostgreSQL refuses, then reading crashes)."""
    list(Lot.objects.values_list("estimated_amount", "annual_amount", "duration_months", "clause_hours"))
    list(Operation.objects.values_list("estimated_amount", "duration_months", "renewals"))
    list(PurchasePlan.objects.values_list("year", flat=True))


BAD_AMOUNTS = ["1e308", "9" * 400, str(2**70), "1e999999", "NaN", "-Infinity", "1e12"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "amount", BAD_AMOUNTS, ids=["1e308", "400-nines", "2^70", "1e999999", "nan", "-inf", "1e12"]
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_out_of_range_amounts_are_row_errors_and_nothing_is_stored(organisation, fmt, amount):
    row = ["OP-1", "Nettoyage", "90910000", amount, "12", "DL"]
    data = {
        "csv": lambda: csv_bytes([row]),
        "xlsx": lambda: xlsx_bytes([row]),
        "json": lambda: json_bytes(amount=amount),
    }[fmt]()
    start = time.perf_counter()
    report, committed, _message = import_bytes(data, f"plan.{fmt}", organisation)
    assert time.perf_counter() - start < 5
    assert not committed
    (problem,) = report.errors
    assert "montant" in problem.reason
    if fmt != "json":
        assert (problem.line, problem.column) == (2, "Montant estimé HT")  # the file's own header
    assert not Operation.objects.exists() and not Lot.objects.exists()
    readable()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "duration, words",
    [
        ("Infinity", "illisible"),
        ("12²", "illisible"),
        ("NaN", "illisible"),
        (str(2**70), "hors limites"),
        ("1e2000000", "hors limites"),
        ("1201", "hors limites"),
    ],
    ids=["infinity", "superscript", "nan", "2^70", "huge-exponent", "over-a-century"],
)
def test_bad_durations_are_row_errors(organisation, duration, words):
    start = time.perf_counter()
    report, committed, _ = import_bytes(
        csv_bytes([["OP-1", "Nettoyage", "90910000", "1000", duration, "DL"]]), "plan.csv", organisation
    )
    assert time.perf_counter() - start < 5
    assert not committed
    (problem,) = report.errors
    assert (problem.line, problem.column) == (2, "Durée (mois)") and words in problem.reason
    assert not Lot.objects.exists()


@pytest.mark.django_db
def test_the_largest_amount_that_fits_is_stored_and_read_back(organisation):
    report, committed, _ = import_bytes(
        csv_bytes([["OP-1", "Nettoyage", "90910000", "999 999 999 999,99", "1200", "DL"]]),
        "plan.csv",
        organisation,
    )
    assert committed, report.errors
    assert Lot.objects.get().estimated_amount == Decimal("999999999999.99")
    readable()


@pytest.mark.django_db
@pytest.mark.parametrize("year", [-1, 0, 10**30, 99999], ids=["negative", "zero", "huge", "five-digits"])
def test_an_impossible_json_year_is_ignored_with_a_warning(organisation, year):
    report, committed, _ = import_bytes(json_bytes(year=year), "plan.json", organisation)
    assert committed  # the default year applies (no CHECK constraint failure, no overflow)
    assert any(p.column == "year" and "année" in p.reason for p in report.warnings)
    readable()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_service_name_too_long_for_a_like_pattern_is_a_row_error(organisation, fmt):
    service = "D" * 60_000  # SQLite: « LIKE or GLOB pattern too complex »
    if fmt == "csv":
        data = csv_bytes([["OP-1", "Nettoyage", "90910000", "1000", "12", service]])
    else:
        payload = json.loads(json_bytes())
        payload["operations"][0]["service"] = service
        data = json.dumps(payload).encode()
    report, committed, _ = import_bytes(data, f"plan.{fmt}", organisation)
    assert not committed
    assert any("trop long" in p.reason for p in report.errors)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "renewals", [str(2**70), "1e999999", "-1"], ids=["2^70", "huge-exponent", "negative"]
)
def test_integer_overflow_in_json_is_a_row_error(organisation, renewals):
    payload = json.loads(json_bytes())
    payload["operations"][0]["renewals"] = int(renewals) if renewals.lstrip("-").isdigit() else renewals
    report, committed, _ = import_bytes(json.dumps(payload).encode(), "plan.json", organisation)
    assert not committed
    assert any(p.column == "operations[0].renewals" for p in report.errors)


@pytest.mark.django_db
def test_a_5000_digit_json_integer_is_a_row_error_not_a_bare_value_error(organisation):
    text = json_bytes().decode().replace('"amount": 1000', '"amount": ' + "9" * 5000)
    report, committed, message = import_bytes(text.encode(), "plan.json", organisation)
    assert not committed and not message
    assert any("trop long" in p.reason for p in report.errors)


def test_a_100k_row_csv_is_refused_at_once_by_the_upload_preview():
    data = csv_bytes([[f"R{i}", f"Objet {i}", "", "1000", "12", "DL"] for i in range(100_000)])
    start = time.perf_counter()
    with pytest.raises(PlanFileError, match="plus de 20\u202f000 lignes"):
        read_table_file(data, "plan.csv", ImportReport(), limits=UPLOAD)
    assert time.perf_counter() - start < 5


def test_cpv_suggestions_stop_at_the_time_budget(monkeypatch):
    monkeypatch.setattr(plan_rows, "SUGGESTION_SECONDS", 0.05)

    def slow_suggest(text):
        time.sleep(0.01)
        return None

    report = ImportReport()
    data = csv_bytes([[f"R{i}", f"Objet {i}", "", "1000", "12", "DL"] for i in range(1_000)])
    start = time.perf_counter()
    plan = read_table_file(data, "plan.csv", report, suggest_cpv=slow_suggest, limits=UPLOAD)
    assert time.perf_counter() - start < 2  # 10 s without the budget
    assert plan.lot_count == 1_000
    (warning,) = [p for p in report.warnings if "suggestions de codes CPV interrompues" in p.reason]
    assert warning.line and warning.line < 100


@pytest.mark.parametrize(
    "data, name",
    [
        (b"Objet;Direction/Service\nNet\x00toyage;DL\n", "plan.csv"),
        ("Objet;Direction/Service\nNettoyage;DL\n".encode("utf-16"), "plan.csv"),
        (b'{"operations": [{"reference": "A", "title": "Net\\u0000toyage"}]}', "plan.json"),
    ],
    ids=["csv", "utf-16", "json-escape"],
)
def test_a_nul_character_is_a_french_file_error(data, name):
    # PostgreSQL cannot store NUL: before, the import failed there with a DataError (500).
    with pytest.raises(PlanFileError, match="caractère nul"):
        read_table_file(data, name, ImportReport())


def test_a_lone_surrogate_is_a_french_file_error():
    # « \ud800 » alone: UnicodeEncodeError at the first INSERT, on both databases.
    data = b'{"operations": [{"reference": "A", "title": "Net\\ud800toyage", "service": "DL"}]}'
    with pytest.raises(PlanFileError, match="caractère invalide"):
        read_table_file(data, "plan.json", ImportReport())
