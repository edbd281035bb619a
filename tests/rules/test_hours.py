"""The estimator on the worked examples of domain.md §4.1 and §4.2 (pure, no database)."""

from decimal import Decimal

import pytest

from dentelle.rules import Param, default_rules
from dentelle.rules.hours import (
    estimate_cleaning,
    estimate_for_family,
    estimate_standard,
    round_hours,
)


def test_mef_sud_77_worked_example_gives_833_hours():
    # €1,000,000 × 50 % × 5 % = €25,000 ÷ €30 = 833.33 → 833 h (domain.md §4.1)
    result = estimate_standard(1_000_000, "0.50", "0.05", 30)
    assert result.hours == 833
    assert result.figure("insertion_effort") == Decimal("25000")
    assert result.raw_hours.quantize(Decimal("0.01")) == Decimal("833.33")
    assert result.clause_advised


def test_every_figure_carries_its_source():
    share = Param(Decimal("0.50"), "http://www.mefsud77.fr/?page_id=28", "Practice")
    result = estimate_standard(1_000_000, share, "0.05", 30)
    sources = {f.name: f.source for f in result.figures}
    assert sources["labour_share"] == "http://www.mefsud77.fr/?page_id=28"
    assert sources["insertion_rate"] == "Saisie de l'utilisateur"
    assert all(f.source for f in result.figures)


@pytest.mark.parametrize(
    ("raw", "rule", "expected"),
    [("833.33", "half_up", 833), ("833.5", "half_up", 834), ("833.99", "down", 833), ("833.01", "up", 834)],
    ids=["half-up-down", "half-up-up", "down", "up"],
)
def test_rounding_rule_is_explicit(raw, rule, expected):
    assert round_hours(Decimal(raw), rule) == expected


def test_rounding_rule_is_configurable_per_call():
    assert estimate_standard(1_000_000, "0.50", "0.05", 30, rounding="up").hours == 834


def test_cleaning_with_staff_take_over():
    # A = 600,000 over N = 36 months, T = 5 %, S = 300 h/month, C = 25:
    # P = 1 − 300 × 25 ÷ (600,000 ÷ 36) = 0.55 ; I = 0.55 × 600,000 ÷ 25 × 0.05 = 660 h
    result = estimate_cleaning(600_000, 36, "0.05", 300)
    assert result.figure("P") == Decimal("0.55")
    assert result.hours == 660
    # Algebraic reading of §4.2: I = (A ÷ C − S × N) × T
    assert result.hours == (600_000 / 25 - 300 * 36) * 0.05


def test_cleaning_without_take_over_equals_standard_chain_at_80_percent_and_20_euros():
    cleaning = estimate_cleaning(600_000, 36, "0.05", 0)
    standard = estimate_standard(600_000, "0.80", "0.05", 20)
    assert cleaning.hours == standard.hours == 1200


def test_cleaning_below_150_hours_advises_no_clause():
    result = estimate_cleaning(100_000, 12, "0.05", 0)  # 200 h before take-over
    assert result.clause_advised
    result = estimate_cleaning(100_000, 12, "0.05", 200)  # P = 0.4 → 80 h
    assert result.hours == 80
    assert not result.clause_advised
    assert "150" in result.reason


def test_cleaning_staff_exceeding_potential_gives_no_clause():
    result = estimate_cleaning(100_000, 12, "0.05", 400)  # S × C = 10,000 > A ÷ N = 8,333
    assert result.figure("P") < 0
    assert not result.clause_advised
    assert "personnel à reprendre" in result.reason


def test_unknown_parameter_is_never_borrowed():
    waste = default_rules().family("waste_collection")
    result = estimate_for_family(200_000, waste)
    assert result.hours is None
    assert not result.clause_advised
    assert any("part de main-d'œuvre" in w for w in result.warnings)


def test_family_cleaning_uses_variant_when_duration_known():
    cleaning = default_rules().family("cleaning")
    result = estimate_for_family(600_000, cleaning, duration_months=36, transferred_staff_monthly_hours=300)
    assert result.method == "cleaning"
    assert result.hours == 660


def test_family_building_reproduces_mef_example():
    building = default_rules().family("building_other")
    result = estimate_for_family(1_000_000, building)
    assert result.hours == 833
    assert "mefsud77" in next(f.source for f in result.figures if f.name == "labour_share")


@pytest.mark.parametrize(
    ("family_id", "amount", "hours"),
    [
        ("green_spaces", 900_000, 1000),  # 900,000 ÷ 45 €/h × 5 %
        ("landscaping_works", 650_000, 542),  # Aubervilliers plantations: 650,000 ÷ 60 €/h × 5 % = 541.67
    ],
    ids=["espaces-verts-entretien", "plantations-creation"],
)
def test_green_spaces_estimate_from_the_published_price_per_labour_hour(family_id, amount, hours):
    result = estimate_for_family(amount, default_rules().family(family_id))
    assert result.method == "billed_hours"
    assert result.hours == hours and result.clause_advised
    price = next(f for f in result.figures if f.name == "turnover_per_labour_hour")
    assert "decision-achats.fr" in price.source


def test_an_organisation_value_replaces_the_published_method_and_says_whose_it_is():
    from dentelle.rules import apply_overrides

    rules = apply_overrides(
        default_rules(),
        [
            (
                "family.green_spaces.labour_share",
                "0.60",
                "Étude interne",
                "Région — acheteuse, 01/12/2026 : test",
            ),
            ("family.green_spaces.loaded_hourly_cost", "24", "Étude interne", "Région — acheteuse", "Verify"),
        ],
    )
    result = estimate_for_family(400_000, rules.family("green_spaces"))
    assert result.method == "standard" and result.hours == 500  # 400,000 × 60 % × 5 % ÷ 24
    cost = next(f for f in result.figures if f.name == "loaded_hourly_cost")
    assert "valeur propre à l'organisation (Région — acheteuse)" in cost.label
    assert cost.source == "Étude interne"
    assert cost.tag == "à confirmer"
