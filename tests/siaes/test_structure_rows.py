"""``records.structure_rows``: the rows of the ASP and GEIQ lists, identity and place read once (no database)."""

import datetime as dt

from dentelle.core.importing import ImportReport
from dentelle.siaes.importers.records import structure_rows

DATE = dt.date(2019, 7, 1)
COLUMNS = ["siret", "denomination", "type_siae", "code_postal", "ville", "code_insee"]


def rows_of(tmp_path, lines, kind_of=lambda row: row["type_siae"]):
    path = tmp_path / "structures.csv"
    path.write_text(
        "\n".join([";".join([*COLUMNS, "latitude", "longitude", "voie"]), *lines]), encoding="utf-8"
    )
    report = ImportReport()
    rows = list(
        structure_rows(path, COLUMNS, report, DATE, kind_of, lambda row: row["voie"].upper(), "ville")
    )
    return rows, report


def test_identity_and_place_fields(tmp_path):
    rows, report = rows_of(
        tmp_path, ["73282932000074;Atelier;ACI;93300;Aubervilliers;93001;48.91;2.38;rue x"]
    )
    assert not report.problems
    [(line, row, fields)] = rows
    assert line == 2 and row["denomination"] == "Atelier"
    assert fields == {
        "line": 2,
        "siret": "73282932000074",
        "kind": "ACI",
        "name": "Atelier",
        "data_date": DATE,
        "address": "RUE X",
        "postcode": "93300",
        "city": "Aubervilliers",
        "insee_code": "93001",
        "latitude": 48.91,
        "longitude": 2.38,
    }


def test_bad_siret_or_kind_is_reported_and_skipped(tmp_path):
    rows, report = rows_of(
        tmp_path,
        [
            "123;Mauvais SIRET;ACI;93300;Aubervilliers;93001;;;",
            "73282932000074;Mauvais type;XYZ;93300;Aubervilliers;93001;;;",
            "73282932000074;Bon;EI;93300;Aubervilliers;93001;;;",
        ],
    )
    assert [fields["name"] for _line, _row, fields in rows] == ["Bon"]
    assert [(p.line, p.column) for p in report.errors] == [(2, "siret"), (3, "type_siae")]


def test_kind_read_by_the_caller(tmp_path):
    rows, _report = rows_of(tmp_path, ["73282932000074;G;;93300;Aubervilliers;93001;;;"], lambda row: "GEIQ")
    assert rows[0][2]["kind"] == "GEIQ"
    assert rows[0][2]["latitude"] is None
