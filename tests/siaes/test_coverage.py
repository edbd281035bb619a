"""Supply coverage: structures able to serve each trade family in each department of a region."""

import pytest

from dentelle.siaes.coverage import RESERVATION_MIN, coverage, coverage_table, level_of
from dentelle.siaes.models import ServiceArea

from .conftest import SiaeFactory, with_competences

pytestmark = pytest.mark.django_db


def cell(data, prefix, department):
    row = next(r for r in data["rows"] if r["prefix"] == prefix)
    return next(c for c in row["cells"] if c["department"] == department)


def test_coverage_counts_located_and_serving_structures(index):
    with_competences(SiaeFactory(), "9091")  # located in 93
    regional = with_competences(SiaeFactory(in_ain=True), "90911200")  # finer code, serves all of 11
    ServiceArea.objects.create(siae=regional, kind="region", code="11")
    with_competences(SiaeFactory(inactive=True), "9091")  # inactive: not counted
    with_competences(SiaeFactory(in_ain=True), "9091")  # elsewhere, no area in 11
    data = coverage("11", index)
    assert [code for code, _ in data["departments"]] == index.departments_of_region("11")
    assert cell(data, "9091", "93")["count"] == 2
    assert cell(data, "9091", "75")["count"] == 1
    assert cell(data, "90", "93")["count"] == 2  # a division counts its trades
    assert cell(data, "7731", "93")["count"] == 0
    assert cell(data, "7731", "93")["level"].key == "sourcing"


@pytest.mark.parametrize(
    "count, key",
    [(0, "sourcing"), (1, "clause"), (RESERVATION_MIN - 1, "clause"), (RESERVATION_MIN, "reservation")],
)
def test_levels(count, key):
    assert level_of(count).key == key


def test_coverage_table_shape(index):
    data = coverage("11", index)
    header, rows = coverage_table(data)
    assert header[:2] == ["Famille de métiers", "Préfixe CPV"] and len(header) == 2 + len(data["departments"])
    assert len(rows) == len(data["rows"])
