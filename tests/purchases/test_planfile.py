"""Plan files: header aliases, separators, encodings, bad rows, XLSX line items, JSON (no database)."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from dentelle.core.importing import ImportReport
from dentelle.purchases.plan_columns import map_headers
from dentelle.purchases.plan_data import PlanFileError
from dentelle.purchases.planfile import read_plan_file, read_table_file

DATA = Path(__file__).resolve().parents[1] / "data" / "purchases"


def test_semicolon_csv_with_french_headers():
    plan, report = read_plan_file(DATA / "plan_semicolon.csv")
    assert {
        "title",
        "cpv",
        "amount",
        "duration_months",
        "launch_date",
        "place",
        "service",
        "renewals",
    } <= set(plan.mapping)
    op1 = next(op for op in plan.operations if op.reference == "OP-1")
    assert [lot.number for lot in op1.lots] == ["1", "2"]
    assert op1.lots[0].amount == Decimal("480000.00")
    assert op1.renewals == 3
    assert op1.nature == "services"
    assert str(op1.launch_date) == "2026-10-01"


def test_bad_amount_is_reported_with_line_and_column():
    _plan, report = read_plan_file(DATA / "plan_semicolon.csv")
    errors = [str(p) for p in report.errors]
    assert any("ligne 7" in e and "montant" in e and "abc" in e for e in errors)


def test_missing_cpv_gets_a_suggestion_never_applied_when_weak():
    def search(_text):
        return []

    from dentelle.purchases import cpv_suggest

    plan, report = read_plan_file(
        DATA / "plan_semicolon.csv", suggest_cpv=lambda text: cpv_suggest.suggest_cpv(text, search=search)
    )
    green = next(op for op in plan.operations if op.reference == "OP-4").lots[0]
    assert green.cpv_suggestion["code"] == "77310000"
    assert green.cpv_suggestion["confidence"] == "moyenne"
    assert green.cpv == ""  # shown, not applied
    assert any("à confirmer" in str(p) for p in report.warnings)


def test_cp1252_comma_csv():
    plan, _report = read_plan_file(DATA / "plan_cp1252_comma.csv")
    assert plan.operations[0].title == "Peinture des couloirs"
    assert plan.mapping["title"] == "Intitulé"
    assert plan.operations[0].nature == "works"


def test_seven_digit_cpv_gets_its_leading_zero_back():
    report = ImportReport()
    plan = read_table_file(b"objet;code CPV;montant\nSemences;3410000;5000\n", "x.csv", report)
    assert plan.operations[0].lots[0].cpv == "03410000"
    assert report.warnings


def test_missing_title_column_is_a_file_error():
    report = ImportReport()
    read_table_file(b"montant;cpv\n1;45000000\n", "x.csv", report)
    assert report.errors and report.errors[0].column == "objet"


def test_where_filter_keeps_matching_rows():
    data = b"objet,ile_de_france_lieu\nA,1\nB,0\nC,1\n"
    plan = read_table_file(data, "x.csv", ImportReport(), where={"ile_de_france_lieu": "1"})
    assert [op.title for op in plan.operations] == ["A", "C"]


def test_xlsx_second_sheet_holds_line_items_by_operation_reference():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Référence", "Intitulé", "Code CPV", "Montant estimé HT", "Direction"])
    sheet.append(["AUB", "Campus", "45214400", 20000000, "DESR"])
    lines = workbook.create_sheet("Lignes")
    lines.append(["Référence opération", "Désignation", "Code CPV", "Montant HT"])
    lines.append(["AUB", "Plantations", "45112710", 400000])
    lines.append(["INCONNUE", "Peinture", "45442100", 10])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = ImportReport()
    plan = read_table_file(buffer.getvalue(), "plan.xlsx", report)
    assert plan.operations[0].line_items[0].description == "Plantations"
    assert any("INCONNUE" in str(p) for p in report.errors)


def test_json_plan_format():
    plan, report = read_plan_file(DATA / "plan.json")
    assert report.ok
    operation = plan.operations[0]
    assert operation.market_amount == Decimal("20000000")
    assert [i.reference for i in operation.line_items] == ["GO", "PL"]
    assert operation.lots[0].place_code == "93001"


@pytest.mark.parametrize(("content", "name"), [(b"\xff\xfe\x00garbage", "x.xlsx"), (b"{not json", "x.json")])
def test_unreadable_files_raise_a_french_error(content, name):
    with pytest.raises(PlanFileError, match=name):
        read_table_file(content, name, ImportReport())


def test_header_aliases_ignore_accents_and_case():
    mapping = map_headers(
        ["INTITULÉ", "Montant annuel", "Date prévisionnelle de lancement", "Lieu d'exécution"]
    )
    assert mapping == {"title": 0, "annual_amount": 1, "launch_date": 2, "place": 3}


def test_blank_rows_are_skipped_in_csv_and_workbooks_with_true_line_numbers():
    csv_data = b"Objet;Code CPV;Montant\n;;\n  ; \t;\nNettoyage;90910000;1000\n"
    plan = read_table_file(csv_data, "plan.csv", ImportReport())
    assert [lot.line for op in plan.operations for lot in op.lots] == [4]
    book = Workbook()
    sheet = book.active
    for row in (["Objet", "Code CPV", "Montant"], [None, " ", None], ["Espaces verts", 77310000, 2000]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    plan = read_table_file(buffer.getvalue(), "plan.xlsx", ImportReport())
    lots = [lot for op in plan.operations for lot in op.lots]
    assert [(lot.line, lot.cpv, lot.amount) for lot in lots] == [(3, "77310000", Decimal("2000"))]


@pytest.mark.parametrize(
    "cpv, nature",
    [
        ("45210000", "works"),
        ("03410000", "supplies"),
        ("48000000", "supplies"),
        ("72000000", "services"),
        ("", ""),
    ],
    ids=["works", "supplies", "software-packages-are-supplies", "services", "no-code"],
)
def test_nature_from_the_cpv_division(cpv, nature):
    # One rule for the plan reader, the coverage and the retrospective (division 48 was services here).
    from dentelle.purchases.plan_cells import nature_of

    assert nature_of("", cpv) == nature
