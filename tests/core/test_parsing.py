"""Dates read from files (pure, no database)."""

import datetime as dt

import pytest

from dentelle.core.parsing import DateError, iso_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023-02-01", dt.date(2023, 2, 1)),
        ("2023-02-01T10:00:00Z", dt.date(2023, 2, 1)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("", None),
        ("01/02/2023", None),
        ("NaN", None),
        (None, None),
        (20230201, None),
    ],
)
def test_iso_date_reads_the_date_at_the_start(text, expected):
    assert iso_date(text) == expected


@pytest.mark.parametrize("text", ["2023-02-30", "2023-13-01T00:00:00Z", "2023-00-10"])
def test_iso_date_refuses_a_date_that_does_not_exist_with_a_french_reason(text):
    with pytest.raises(DateError) as caught:
        iso_date(text)
    assert isinstance(caught.value, ValueError)
    assert caught.value.reason == f"date impossible {text[:10]!r}"
