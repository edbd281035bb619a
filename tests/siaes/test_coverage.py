"""Supply coverage: structures able to serve each trade family in each department of a region."""

import pytest

from dentelle.matching.coverage import (
    EXTRA_FAMILIES,
    coverage,
    coverage_families,
    coverage_table,
    level_of,
    reservation_min,
)
from dentelle.rules import default_rules
from tests.factories import SiaeFactory, with_competences


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
def test_coverage_counts_able_structures_of_the_department(index):
    with_competences(SiaeFactory(), "9091")  # located in 93
    with_competences(SiaeFactory(kind="EI"), "9091")
    with_competences(SiaeFactory(inactive=True), "9091")  # inactive: never able
    with_competences(SiaeFactory(kind="ESAT"), "9091")  # counted apart: L2113-12, not L2113-13
    data = coverage("11", index)
    assert [code for code, _ in data["departments"]] == index.departments_of_region("11")
    assert cell(data, "cleaning", "93")["count"] == 2
    assert cell(data, "cleaning", "93")["disability"] == 1
    assert next(r for r in data["rows"] if r["id"] == "cleaning")["code"] == "90910000"


@pytest.mark.django_db
def test_establishments_of_one_company_count_once(index):
    first = with_competences(SiaeFactory(), "9091")
    with_competences(SiaeFactory(siret=first.siren + "00028", siren=first.siren), "9091")
    assert cell(coverage("11", index), "cleaning", "93")["count"] == 1


@pytest.mark.parametrize(
    "count, disability, key",
    [
        (0, 0, "sourcing"),
        (1, 0, "clause"),
        (0, 1, "clause"),
        (1, 1, "clause"),
        (2, 0, "reservation"),
        (0, 2, "reservation"),
    ],
)
def test_levels(count, disability, key):
    # The scanner's R3 threshold (screening.min_able_structures = 2), not a number of the table's own
    assert reservation_min() == 2
    assert level_of(count, disability, reservation_min()).key == key


@pytest.mark.django_db
def test_coverage_table_shape(index):
    data = coverage("11", index)
    header, rows = coverage_table(data)
    assert header[:2] == ["Famille de métiers", "Préfixes CPV"]
    assert len(header) == 2 + 2 * len(data["departments"])  # SIAE, then EA and ESAT
    assert [r[0] for r in rows] == [f.label for f in coverage_families()]


def test_an_organisation_threshold_moves_the_table_and_the_scanner_alike():
    from dentelle.rules.lookups import apply_overrides

    rules = apply_overrides(
        default_rules(), [("screening.min_able_structures", "4", "Note interne", "Région — test")]
    )
    assert reservation_min(rules) == 4
    assert level_of(3, 0, reservation_min(rules)).key == "clause"
    assert level_of(4, 0, reservation_min(rules)).key == "reservation"
