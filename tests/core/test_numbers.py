"""Bounded number parsing (core.numbers): every importer refuses the same inputs, fast, in French."""

import time
from decimal import Decimal

import pytest

from dentelle.core.importing import ImportReport
from dentelle.core.numbers import (
    AMOUNT,
    DURATION_MONTHS,
    HOURS,
    NumberError,
    parse_integer,
    parse_number,
)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12 345,50 €", Decimal("12345.50")),
        ("1.234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        (1500, Decimal(1500)),
        (12.5, Decimal("12.5")),
        ("0,125", Decimal("0.13")),  # rounded half up to the column's two decimals
        ("", None),
        (None, None),
        ("1e3", Decimal(1000)),
    ],
)
def test_ordinary_amounts_are_read(value, expected):
    assert parse_number(value, AMOUNT) == expected


@pytest.mark.parametrize(
    "value, words",
    [
        ("1e308", "hors limites"),
        (1e308, "hors limites"),
        ("9" * 400, "trop long"),
        (2**70, "hors limites"),
        ("10**100000", "hors limites"),  # str() of it would raise (4,300 digits at most)
        ("1e999999", "hors limites"),
        ("1E-999999", "hors limites"),
        ("NaN", "illisible"),
        (float("nan"), "nombre fini"),
        ("Infinity", "illisible"),
        (float("inf"), "nombre fini"),
        (Decimal("Infinity"), "nombre fini"),
        (Decimal("1e999999"), "hors limites"),
        ("12²", "illisible"),
        ("١٢", "illisible"),  # Arabic-Indic digits: Decimal would accept them
        ("-5", "valeur négative"),
        (True, "vrai/faux"),
        ({"a": 1}, "nombre"),
        ("1000000000000", "hors limites"),  # 10¹² € does not fit DecimalField(max_digits=14, 2)
        ("12\x00", "illisible"),
    ],
)
def test_bad_amounts_get_a_french_reason(value, words):
    value = 10**100000 if value == "10**100000" else value
    with pytest.raises(NumberError) as caught:
        parse_number(value, AMOUNT)
    assert words in caught.value.reason
    assert caught.value.reason.endswith(".")


def test_huge_exponents_are_refused_before_any_conversion():
    start = time.perf_counter()
    for text in ("1e999999", "1e2000000", "-1e999999999"[:40], "9" * 40 + "e999999"):
        with pytest.raises(NumberError):
            parse_integer(text, DURATION_MONTHS)
    assert time.perf_counter() - start < 0.1  # int(Decimal("1e999999")) alone takes ~40 s


def test_durations_are_whole_months_up_to_a_century():
    assert parse_integer("24", DURATION_MONTHS) == 24
    assert parse_integer(12.0, DURATION_MONTHS) == 12
    assert parse_integer("12,5", DURATION_MONTHS, truncate=True) == 12
    for value in ("12,5", "1201", "Infinity"):
        with pytest.raises(NumberError):
            parse_integer(value, DURATION_MONTHS)


def test_hours_stay_inside_the_model_columns():
    assert parse_number("35,5", HOURS) == Decimal("35.5")
    with pytest.raises(NumberError, match="hors limites"):
        parse_number("1e20", HOURS)


def test_the_report_turns_a_bad_number_into_a_row_error():
    report = ImportReport()
    assert report.number(7, "Montant estimé HT", "1e308", AMOUNT) is None
    (problem,) = report.errors
    assert (problem.line, problem.column) == (7, "Montant estimé HT")
    assert str(problem).startswith("ligne 7, colonne « Montant estimé HT » : montant hors limites")
