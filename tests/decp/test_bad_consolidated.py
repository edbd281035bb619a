"""Small consolidated files with an error of each kind, read by the column path (the national one).

Files of tests/data/decp/ (consolidated_bad_rows.csv/.parquet: a bad value in each used column and a row
without identifier; consolidated_ragged_rows.csv: a row with too many fields and one cut short;
consolidated_truncated.parquet) and files made here (typed Parquet as decp-processing writes it, a CSV
cut inside a quoted field, a header alone)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from dentelle.decp.consolidated import iter_consolidated
from dentelle.decp.frame import frame_from_consolidated, frame_from_records
from dentelle.decp.readers import DecpFileError
from dentelle.decp.services import read_contracts

OWN = Path(__file__).resolve().parent.parent / "data" / "decp"


def test_ragged_rows_are_read_without_a_crash_and_the_short_row_reported():
    problems = []
    fmt, frame = read_contracts(OWN / "consolidated_ragged_rows.csv", problems)
    assert fmt == "consolidated"
    contracts = frame.contracts
    assert contracts["id"].to_list() == ["2019M01", "2019M09", "2019M02"]
    # The row with two fields too many keeps its values (the extra ones are after the last column used).
    assert contracts.row(1, named=True)["amount"] == Decimal("120000")
    # The row cut after its 20th field keeps its first fields (date included) and has no social field
    # nor place (absent: allowed by the format); its bad amount (« douze ») and SIRET are reported.
    short = contracts.row(2, named=True)
    assert short["notification_date"] == dt.date(2019, 3, 12)
    assert short["social"] == [] and short["place_code"] == "" and short["amount"] is None
    assert {(p.index, p.field) for p in problems} >= {(3, "titulaire_id"), (3, "montant")}
    assert frame.contracts.equals(
        frame_from_records(iter_consolidated(OWN / "consolidated_ragged_rows.csv")).contracts
    )


def test_typed_parquet_numbers_dates_and_lists_read_as_their_text(tmp_path):
    """decp-processing's Parquet types its columns (montant number, dureeMois integer, dateNotification
    date); a datetime or a list of considerations is read too."""
    path = tmp_path / "typed.parquet"
    pl.DataFrame(
        {
            "uid": ["U1", "U2", "U3"],
            "id": ["1", "2", "3"],
            "acheteur_id": ["21690123100011"] * 3,
            "montant": [1_200_000.0, None, 123_456_789.12],
            "codeCPV": ["77310000", "90910000", "9132100"],
            "dateNotification": [dt.datetime(2019, 3, 1, 10), None, dt.datetime(2024, 1, 2)],
            "dureeMois": [24, None, 12],
            "considerationsSociales": [["Clause sociale", "Critère social"], None, ["Clause magique"]],
            "titulaire_id": ["73282932000074", None, "7328293200007"],
            "titulaire_typeIdentifiant": ["SIRET", None, "SIRET"],
        }
    ).write_parquet(path)
    problems = []
    contracts = frame_from_consolidated(path, problems).contracts
    first = contracts.row(0, named=True)
    assert first["amount"] == Decimal("1200000") and first["notification_date"] == dt.date(2019, 3, 1)
    assert first["duration_months"] == 24 and first["social"] == ["Clause sociale", "Critère social"]
    assert contracts.row(2, named=True)["cpv"] == "09132100"  # leading zero given back, and reported
    assert sorted((p.index, p.field) for p in problems) == [
        (2, "montant"),
        (3, "codeCPV"),
        (3, "considerationsSociales"),
        (3, "titulaire_id"),
    ]


def test_csv_cut_inside_a_quoted_field_is_one_french_error(tmp_path):
    path = tmp_path / "coupé.csv"
    text = (OWN / "consolidated_bad_rows.csv").read_text(encoding="utf-8")
    path.write_text(text[:1500] + '\n"X9,2019M09,"sans fin', encoding="utf-8")
    with pytest.raises(DecpFileError, match="« coupé.csv » : fichier mal formé"):
        read_contracts(path, [])


def test_truncated_parquet_is_one_french_error():
    with pytest.raises(DecpFileError, match="ni un CSV ni un Parquet"):
        read_contracts(OWN / "consolidated_truncated.parquet", [])


def test_header_alone_is_an_empty_file_not_an_error(tmp_path):
    path = tmp_path / "vide.csv"
    path.write_text((OWN / "consolidated_bad_rows.csv").read_text(encoding="utf-8").split("\n")[0] + "\n")
    fmt, frame = read_contracts(path, [])
    assert fmt == "consolidated" and len(frame) == 0 and frame.parties.height == 0
