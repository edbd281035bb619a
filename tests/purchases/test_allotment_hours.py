"""The allotment's hours per year agree with the lot's R1 clause (review: lot 1430 showed 6 000 h over
48 months in R1, about 1 500 h a year, and 2 400 h a year in the allotment table: the staff take-over was
deducted in R1 only)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from dentelle.purchases.allotment_supply import hours_per_euro
from dentelle.purchases.screening import LotFacts, screen_lot

CLEANING = "90919300"
AMOUNT, MONTHS, STAFF = Decimal("4800000"), 48, Decimal("1500")


def _lot(staff=STAFF):
    return SimpleNamespace(
        estimated_amount=AMOUNT,
        duration_months=MONTHS,
        operation=SimpleNamespace(duration_months=MONTHS),
        transferred_staff_monthly_hours=staff,
    )


def _r1_hours(staff=STAFF):
    facts = LotFacts(
        key="1",
        title="Nettoyage des locaux des lycées",
        cpv=CLEANING,
        nature="services",
        amount=AMOUNT,
        market_amount=AMOUNT,
        duration_months=MONTHS,
        launch_date=date(2027, 9, 1),
        department_codes=("75",),
        transferred_staff_monthly_hours=staff,
    )
    return next(f for f in screen_lot(facts) if f.rule_id == "R1-clause").estimated_hours


def test_allotment_hours_per_year_deduct_the_staff_take_over_like_r1():
    assert _r1_hours() == 6000
    yearly = hours_per_euro(CLEANING, lot=_lot()) * float(AMOUNT / 4)
    assert round(yearly) == 1500  # = 6 000 h ÷ 4 years, not 2 400


def test_allotment_hours_without_staff_take_over_are_unchanged():
    assert round(hours_per_euro(CLEANING, lot=_lot(staff=None)) * 1_200_000) == 2400
    assert round(hours_per_euro(CLEANING) * 1_200_000) == 2400
    assert _r1_hours(staff=None) == 9600
