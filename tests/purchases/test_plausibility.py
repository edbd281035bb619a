"""Plausibility ceiling on proposed hours for large works (pure: no database)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from dentelle.purchases.screening import LineItemFacts, LotFacts, screen_lot
from dentelle.purchases.screening.plausibility import plausible_hours
from dentelle.rules import apply_overrides, default_rules

D = Decimal


def works_lot(amount, **overrides):
    values = {
        "key": "1",
        "title": "Construction d'un lycée",
        "cpv": "45214220",  # building_other: 50 % × 5 % ÷ 30 €/h = 833 h per million
        "nature": "works",
        "amount": D(amount),
        "market_amount": D(amount),
        "duration_months": 30,
        "launch_date": date(2027, 3, 1),
        "department_codes": ("93",),
    }
    values.update(overrides)
    return LotFacts(**values)


def by_rule(facts, rules=None):
    return {f.rule_id: f for f in screen_lot(facts, rules)}


def test_ceiling_comes_from_the_rules_file_with_its_source():
    ceiling = default_rules().plausibility["works"]
    assert ceiling.hours.tag == "Verify"
    assert "Châtillon" in ceiling.hours.source
    assert default_rules().versions["plausibility"]


def test_large_works_lot_is_capped_and_keeps_the_chain_figure():
    chain = round(D("20000000") * D("0.5") * D("0.05") / 30)  # 16,667 h from the standard chain
    cap = int(default_rules().plausibility["works"].hours.value)
    assert chain > cap
    findings = by_rule(works_lot("20000000"))
    clause = findings["R1-clause"]
    assert clause.estimated_hours == cap
    text = " ".join(clause.reasons)
    assert (
        f"{chain:,} h d'insertion estimées".replace(",", "\u202f") in text
    )  # the chain's figure stays visible
    assert "Volume plafonné à 9\u202f500 h" in text and "à calibrer avec le facilitateur" in text
    figures = clause.figures_dict()
    assert figures["chain_hours"]["value"] == chain
    assert figures["plausibility_ceiling"]["value"] == cap
    assert findings["R2-obligation-2026"].estimated_hours == cap  # R2 repeats the proposed volume


def test_works_lot_under_the_ceiling_is_not_capped():
    findings = by_rule(works_lot("11000000"))  # 9,167 h < 9,500 h
    clause = findings["R1-clause"]
    assert clause.estimated_hours == 9167
    assert not any("plafonné" in r for r in clause.reasons)
    assert "plausibility_ceiling" not in clause.figures_dict()


def test_services_have_no_ceiling():
    facts = works_lot("20000000", nature="services", cpv="90919200", title="Nettoyage", duration_months=48)
    clause = by_rule(facts)["R1-clause"]
    assert clause.estimated_hours > 9500
    assert not any("plafonné" in r for r in clause.reasons)


def test_aubervilliers_operation_with_line_items_is_capped():
    items = (
        LineItemFacts("GO", "Gros œuvre", "45223000", D("38500000")),
        LineItemFacts("SO", "Second œuvre", "45421000", D("21600000")),
        LineItemFacts("PE", "Peinture intérieure", "45442100", D("2400000")),
    )
    clause = by_rule(works_lot("110000000", line_items=items))["R1-clause"]
    assert clause.estimated_hours == 9500
    assert clause.figures_dict()["chain_hours"]["value"] > 9500


def test_organisation_override_moves_the_ceiling():
    rules = apply_overrides(
        default_rules(),
        [("plausibility.works", "5000", "Aubervilliers, decision-achats.fr", "Facilitatrice")],
    )
    assert by_rule(works_lot("11000000"), rules)["R1-clause"].estimated_hours == 5000
    unset = apply_overrides(default_rules(), [("plausibility.works", "", "pas de plafond", "Direction")])
    assert by_rule(works_lot("20000000"), unset)["R1-clause"].estimated_hours == 16667


def test_plausible_hours_boundary():
    rules = default_rules()
    assert plausible_hours(9500, "works", rules).capped is False
    assert plausible_hours(9501, "works", rules).hours == 9500
    assert plausible_hours(None, "works", rules).hours is None
    assert plausible_hours(50000, "works", replace(rules, plausibility={})).hours == 50000
