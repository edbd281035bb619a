"""Issue 10, defects 2 and 10, and issue 12 (records.py) for SIAE files: bad numbers, impossible dates,
wrong JSON types and deep nesting give French row problems, never a traceback nor an unreadable row."""

import json

import pytest

from dentelle.siaes.importers.records import SourceFileError
from dentelle.siaes.models import Capacity, Siae

from .conftest import DATA

pytestmark = pytest.mark.django_db

FIXTURE = json.loads((DATA / "lemarche.json").read_text(encoding="utf-8"))


def write(tmp_path, payload, name="lemarche.json"):
    path = tmp_path / name
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    return path


def first_with(**fields):
    record = json.loads(json.dumps(FIXTURE[0]))
    record["fields"].update(fields)
    return [record]


def readable():
    list(Capacity.objects.values_list("value", flat=True))
    list(Siae.objects.values_list("name", "latitude", "postcode"))


@pytest.mark.parametrize("value", ["1e999999", "NaN", "Infinity", "9" * 400, 2**70, -3, "1e12"])
def test_out_of_range_capacities_are_reported_and_not_stored(run, tmp_path, value):
    report = run("lemarche", None, path=write(tmp_path, first_with(employees_insertion_count=value)))
    assert any(p.column == "employees_insertion_count" for p in report.problems), report.problems
    assert not Capacity.objects.filter(metric="insertion_fte").exists()
    readable()
    # … and the next import (the official fixture) still works.
    assert run("lemarche", "lemarche.json").committed


def test_a_5000_digit_integer_is_reported(run, tmp_path):
    text = json.dumps(first_with(employees_insertion_count=1)).replace(
        '"employees_insertion_count": 1', '"employees_insertion_count": ' + "9" * 5000
    )
    report = run("lemarche", None, path=write(tmp_path, text))
    assert any(p.column == "employees_insertion_count" and "trop long" in p.reason for p in report.problems)


def test_an_impossible_date_falls_back_to_the_file_date(run, tmp_path):
    report = run("lemarche", None, path=write(tmp_path, first_with(updated_at="2023-02-30T10:00:00Z")))
    assert report.committed
    assert any("date impossible" in p.reason for p in report.warnings)


def test_nan_turnover_does_not_abort_the_import(run, tmp_path):
    report = run("lemarche", None, path=write(tmp_path, first_with(ca="NaN")))
    assert report.committed and Siae.objects.count() == 1
    assert any(p.column == "ca" for p in report.warnings)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": ["ACI"]},
        {"name": {"fr": "X"}},
        {"siret": 12345670900013},
        {"presta_type": 3},
        {"coords": {"x": 1}},
        {"latitude": [1]},
        {"post_code": "9" * 50},
        {"naf": 8130},
        {"is_active": "oui"},
    ],
    ids=[
        "kind-list",
        "name-object",
        "siret-number",
        "presta-int",
        "coords-object",
        "lat-list",
        "long-postcode",
        "naf-number",
        "active-text",
    ],
)
def test_wrong_json_types_are_reported_not_raised(run, tmp_path, fields):
    report = run("lemarche", None, path=write(tmp_path, first_with(**fields)))
    assert all(isinstance(p.reason, str) for p in report.problems)
    readable()


@pytest.mark.parametrize(
    "payload",
    [[1, "x", None], [{"fields": [1, 2]}], [{"fields": "texte"}]],
    ids=["scalars", "fields-list", "fields-text"],
)
def test_records_that_are_not_objects_are_row_errors(run, tmp_path, payload):
    report = run("lemarche", None, path=write(tmp_path, payload), strict=True)
    assert not report.committed and report.errors
    assert not Siae.objects.exists()


def test_api_payload_of_wrong_types_is_reported(run, tmp_path):
    report = run("lemarche-api", None, path=write(tmp_path, [3, {"results": [1]}], "api.json"))
    assert report.problems or not report.committed


def test_api_page_results_not_objects(run, tmp_path):
    report = run("lemarche-api", None, path=write(tmp_path, {"results": [1, "x"]}, "api.json"), strict=True)
    assert not report.committed and len(report.errors) == 2


def test_deep_nesting_is_a_french_file_error(run, tmp_path):
    with pytest.raises(SourceFileError, match="trop profondément imbriqué"):
        run("lemarche", None, path=write(tmp_path, "[" * 100_000 + "]" * 100_000))


def test_a_month_13_in_the_file_name_is_not_a_crash(run, tmp_path):
    path = tmp_path / "liste_2023_13.csv"
    path.write_bytes((DATA / "asp_ok.csv").read_bytes())
    assert run("asp", None, path=path).committed


def test_a_too_long_asp_id_is_a_row_error(run, tmp_path):
    path = tmp_path / "asp_ids.csv"
    path.write_text(
        "asp_id;siret;denomination;type_siae\n" + "9" * 30 + ";12345670900013;X;ACI\n", encoding="utf-8"
    )
    report = run("asp-ids", None, path=path, strict=True)
    assert any(p.column == "asp_id" for p in report.errors)


def test_a_nul_character_is_a_french_file_error(run, tmp_path):
    path = tmp_path / "asp.csv"
    text = (DATA / "asp_ok.csv").read_text(encoding="utf-8").replace("93048", "930\x0048", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceFileError, match="caractère nul"):
        run("asp", None, path=path)


def test_a_lone_surrogate_is_a_french_file_error(run, tmp_path):
    text = json.dumps(first_with(name="X")).replace('"name": "X"', '"name": "X\\ud800"')
    with pytest.raises(SourceFileError, match="caractère invalide"):
        run("lemarche", None, path=write(tmp_path, text))
