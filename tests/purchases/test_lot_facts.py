"""``facts.lot_facts``: one LotFacts builder for the database lots and the parsed plan lots (no database)."""

from dataclasses import fields
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from dentelle.purchases.facts import SHARED_LOT_FACTS, lot_facts
from dentelle.purchases.models import Lot
from dentelle.purchases.plan_data import LotData, OperationData

COUNTS = (3, Decimal("120000"), 1, (("department", "93", "Seine-Saint-Denis", 3, 1),))


def test_shared_names_exist_on_both_lots():
    parsed = {f.name for f in fields(LotData)}
    for name in SHARED_LOT_FACTS:
        assert name in parsed
        assert Lot._meta.get_field(name).name == name


def _plan_lot(**changes):
    lot = LotData(
        number="2",
        title="Nettoyage",
        annual_amount=Decimal("50000"),
        sites_count=4,
        procedure="formalised",
        clause_hours=700,
        reservation_kind="siae",
        social_award_criterion=True,
        insertion_market=False,
        transferred_staff_monthly_hours=Decimal("151.67"),
    )
    for name, value in changes.items():
        setattr(lot, name, value)
    return lot


def test_shared_attributes_counts_and_operation():
    lot = _plan_lot(duration_months=24)
    operation = OperationData(reference="OP-1", title="Op", nature="services", duration_months=48)
    facts = lot_facts(lot, operation, COUNTS, key="OP-1/2", title="Nettoyage", cpv="90919200", amount=None)
    for name in SHARED_LOT_FACTS:
        assert getattr(facts, name) == getattr(lot, name)
    assert (facts.key, facts.title, facts.cpv, facts.amount) == ("OP-1/2", "Nettoyage", "90919200", None)
    assert facts.nature == "services"
    assert facts.duration_months == 24
    assert (facts.able_structures, facts.able_capacity, facts.disability_structures) == COUNTS[:3]
    assert facts.able_by_unit == COUNTS[3]


@pytest.mark.parametrize(
    "lot_months, operation_months, expected", [(None, 48, 48), (12, 48, 12), (None, None, None)]
)
def test_duration_falls_back_on_the_operation(lot_months, operation_months, expected):
    operation = SimpleNamespace(nature="works", duration_months=operation_months)
    facts = lot_facts(
        _plan_lot(duration_months=lot_months),
        operation,
        (None, None, None, ()),
        key="k",
        title="t",
        cpv="",
        amount=None,
    )
    assert facts.duration_months == expected
    assert facts.able_structures is None and facts.able_by_unit == ()


def test_own_facts_are_passed_through():
    operation = SimpleNamespace(nature="works", duration_months=None)
    facts = lot_facts(
        _plan_lot(),
        operation,
        (None, None, None, ()),
        key="7",
        title="Op — Lot",
        cpv="45000000",
        amount=Decimal("10"),
        launch_date=date(2027, 3, 1),
        has_employment_condition=True,
        small_lots_used=Decimal("5"),
    )
    assert facts.launch_date == date(2027, 3, 1)
    assert facts.has_employment_condition is True
    assert facts.small_lots_used == Decimal("5")
