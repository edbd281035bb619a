"""Supply coverage: structures able to serve each trade family in each department of a region."""

import pytest

from dentelle.rules import default_rules
from dentelle.siaes.coverage import (
    EXTRA_FAMILIES,
    RESERVATION_MIN,
    coverage,
    coverage_families,
    coverage_table,
    level_of,
)
from dentelle.siaes.models import ServiceArea

from .conftest import SiaeFactory, with_competences


def cell(data, family_id, department):
    row = next(r for r in data["rows"] if r["id"] == family_id)
    return next(c for c in row["cells"] if c["department"] == department)


def test_families_are_the_rules_families_fit_for_siae_then_the_extras():
    rules = default_rules()
    families = coverage_families()
    fit = [f for f in rules.families if f.fit_for_siae]
    assert [(f.id, f.label) for f in families[: len(fit)]] == [(f.id, f.label) for f in fit]
    unfit = {f.id for f in rules.families if not f.fit_for_siae}
    assert unfit and not unfit & {f.id for f in families}
    assert [f.id for f in families[len(fit) :]] == [f.id for f in EXTRA_FAMILIES]
    assert all(f.source for f in families)  # every extra family says why it exists


def test_an_extra_family_defined_in_the_rules_file_is_not_doubled():
    rules = default_rules()
    clash = EXTRA_FAMILIES[0]
    from dataclasses import replace

    renamed = replace(rules, families=(replace(rules.families[0], id=clash.id, fit_for_siae=True),))
    ids = [f.id for f in coverage_families(renamed)]
    assert ids.count(clash.id) == 1 and len(ids) == len(EXTRA_FAMILIES)


@pytest.mark.django_db
def test_coverage_counts_located_and_serving_structures(index):
    with_competences(SiaeFactory(), "9091")  # located in 93
    regional = with_competences(SiaeFactory(in_ain=True), "90911200")  # finer code, serves all of 11
    ServiceArea.objects.create(siae=regional, kind="region", code="11")
    with_competences(SiaeFactory(inactive=True), "9091")  # inactive: not counted
    with_competences(SiaeFactory(in_ain=True), "9091")  # elsewhere, no area in 11
    with_competences(SiaeFactory(), "90")  # a broad competence counts for the finer family
    data = coverage("11", index)
    assert [code for code, _ in data["departments"]] == index.departments_of_region("11")
    assert cell(data, "cleaning", "93")["count"] == 3
    assert cell(data, "cleaning", "75")["count"] == 1
    assert cell(data, "cleaning", "93")["level"].key == "reservation"
    assert cell(data, "green_spaces", "93")["count"] == 0
    assert cell(data, "green_spaces", "93")["level"].key == "sourcing"


@pytest.mark.django_db
def test_a_family_with_several_prefixes_counts_a_structure_once(index):
    with_competences(SiaeFactory(), "7731", "773")  # both green-spaces prefixes
    with_competences(SiaeFactory(), "03451")  # nursery plants, another prefix of the same family
    assert cell(coverage("11", index), "green_spaces", "93")["count"] == 2


@pytest.mark.parametrize(
    "count, key",
    [(0, "sourcing"), (1, "clause"), (RESERVATION_MIN - 1, "clause"), (RESERVATION_MIN, "reservation")],
)
def test_levels(count, key):
    assert level_of(count).key == key


@pytest.mark.django_db
def test_coverage_table_shape(index):
    data = coverage("11", index)
    header, rows = coverage_table(data)
    assert header[:2] == ["Famille de métiers", "Préfixes CPV"] and len(header) == 2 + len(
        data["departments"]
    )
    assert [r[0] for r in rows] == [f.label for f in coverage_families()]
