"""Plan files as buyers really save them: a title above the headers, abbreviated headers, own names."""

import io

from openpyxl import Workbook

from dentelle.core.importing import ImportReport
from dentelle.purchases.plan_columns import find_header_row, header_key, map_headers
from dentelle.purchases.planfile import read_table_file


def _xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_title_rows_above_the_headers_are_skipped_in_csv_and_line_numbers_stay_true():
    data = (
        "Programmation des achats 2027 - Direction des lycées;;\n"
        "Mise à jour le 12/10/2026;;\n"
        ";;\n"
        "Objet;Code CPV;Montant prév. HT (€)\n"
        "Nettoyage des lycées;90910000;120000\n"
        "Espaces verts;77310000;abc\n"
    ).encode()
    report = ImportReport()
    plan = read_table_file(data, "plan.csv", report)
    assert [op.title for op in plan.operations] == ["Nettoyage des lycées", "Espaces verts"]
    assert plan.operations[0].lots[0].amount == 120000
    (error,) = report.errors
    assert error.line == 6  # the file's own line, counted from the top
    assert error.column == "Montant prév. HT (€)"  # the user's column name, not « montant estime ht »


def test_title_row_above_the_headers_is_skipped_in_xlsx():
    data = _xlsx(
        [
            ["Plan prévisionnel des achats 2027", None, None],
            ["Objet", "Date prév. de lancement", "Lieu d'exéc."],
            ["Restauration scolaire", "01/09/2027", "Montreuil"],
        ]
    )
    report = ImportReport()
    plan = read_table_file(data, "plan.xlsx", report)
    assert not report.errors
    (operation,) = plan.operations
    assert str(operation.launch_date) == "2027-09-01"
    assert operation.lots[0].place == "Montreuil"
    assert operation.lots[0].line == 3


def test_abbreviated_and_variant_headers_are_recognised():
    headers = ["Intitulé", "Mt estimé HT", "Date prévisionnelle de lancement", "N° lot", "Lieux d'exécution"]
    mapping = map_headers(headers)
    assert mapping == {"title": 0, "amount": 1, "launch_date": 2, "lot_number": 3, "place": 4}
    assert map_headers(["Objet", "Montant prévisionnel (en euros)"])["amount"] == 1
    assert map_headers(["Objet", "Date de lancement prév."])["launch_date"] == 1
    assert header_key("Date prév. de lancement") == header_key("date previsionnelle de lancement")


def test_header_row_is_the_one_with_the_object_and_most_columns():
    rows = [["Plan 2027"], ["Objet du document : plan"], ["Objet", "CPV", "Montant"], ["a", "1", "2"]]
    assert find_header_row(rows) == 2
    assert find_header_row([["montant"], ["1"]]) == 0


def test_missing_object_column_names_the_headers_read_and_says_what_to_do():
    report = ImportReport()
    read_table_file("Désignation;Montant\nNettoyage;10\n".encode(), "plan.csv", report)
    (error,) = report.errors
    assert error.column == "objet"
    assert "« Désignation », « Montant »" in error.reason
    assert "15 premières lignes" in error.reason
