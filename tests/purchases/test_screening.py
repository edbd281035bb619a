"""Scanner rules on plain facts (pure: no database)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from dentelle.purchases.screening import LineItemFacts, LotFacts, screen_lot
from dentelle.purchases.screening.r1_clause import method_sentence
from dentelle.rules.hours import estimate_standard

D = Decimal


def lot(**overrides):
    values = {
        "key": "1",
        "title": "Nettoyage des locaux",
        "cpv": "90919200",
        "nature": "services",
        "amount": D("480000"),
        "market_amount": D("480000"),
        "duration_months": 48,
        "launch_date": date(2027, 3, 1),
        "department_codes": ("75",),
    }
    values.update(overrides)
    return LotFacts(**values)


def rules_of(facts):
    return {f.rule_id: f for f in screen_lot(facts)}


def test_r1_cleaning_clause_uses_the_cleaning_variant():
    findings = rules_of(lot(transferred_staff_monthly_hours=D("200")))
    clause = findings["R1-clause"]
    # A = 480,000, N = 48, S = 200, C = 25, T = 5 %: (480,000/25 − 200×48) × 0.05 = 480 h
    assert clause.estimated_hours == 480
    assert clause.legal_basis.startswith("CCP L2112-2")
    assert all(isinstance(r, str) and r for r in clause.reasons)


@pytest.mark.parametrize(
    "overrides",
    [
        {"clause_hours": 300},
        {"amount": D("30000"), "market_amount": D("30000")},
        {"cpv": "45223100"},  # steel framing: 20 % labour, below the 50 % labour-intensive floor
        {"duration_months": 2},
        {"transferred_staff_monthly_hours": D("950")},  # P ≤ 0
    ],
    ids=["already-planned", "below-dispense", "not-labour-intensive", "too-short", "staff-take-over-exceeds"],
)
def test_r1_not_proposed(overrides):
    assert "R1-clause" not in rules_of(lot(**overrides))


def test_r2_obligation_from_22_august_2026_at_or_above_eu_threshold():
    before = rules_of(lot(launch_date=date(2026, 8, 21)))
    after = rules_of(lot(launch_date=date(2026, 8, 22)))
    assert "R2-obligation-2026" not in before
    finding = after["R2-obligation-2026"]
    assert finding.kind == "mandatory_condition"
    assert "216" in finding.reasons[1]  # 2026-2027 threshold for other buyers


@pytest.mark.parametrize(
    "overrides",
    [
        {"amount": D("100000"), "market_amount": D("100000")},
        {"clause_hours": 100},
        {"has_employment_condition": True},
        {"obligation_exception_code": "restricts_competition"},
    ],
    ids=["below-threshold", "clause-planned", "other-condition", "exception-recorded"],
)
def test_r2_not_raised(overrides):
    assert "R2-obligation-2026" not in rules_of(lot(**overrides))


def test_r2_uses_the_whole_market_value_not_the_lot():
    findings = rules_of(lot(amount=D("100000"), market_amount=D("900000")))
    assert "R2-obligation-2026" in findings


def test_r3_reservation_with_enough_structures_and_capacity():
    finding = rules_of(lot(able_structures=3, able_capacity=D("500000")))["R3-reservation"]
    assert finding.proposal == {"reservation_kind": "siae"}
    assert finding.legal_basis.startswith("CCP L2113-13")


@pytest.mark.parametrize(
    ("overrides", "proposed"),
    [
        ({"able_structures": 1}, False),
        ({"able_structures": 3, "able_capacity": D("50000")}, False),  # 120,000 €/year > 50,000
        ({"able_structures": None}, False),
        ({"able_structures": 0, "disability_structures": 2, "able_capacity": None}, True),
        ({"able_structures": 3, "reservation_kind": "siae"}, False),
        ({"able_structures": 3, "cpv": "72000000"}, False),  # IT: not fit for SIAE
    ],
    ids=["one-structure", "over-capacity", "not-counted", "ea-esat", "already-reserved", "unfit-trade"],
)
def test_r3_reservation_conditions(overrides, proposed):
    assert ("R3-reservation" in rules_of(lot(**overrides))) is proposed


def test_r3_disability_uses_l2113_12():
    finding = rules_of(lot(able_structures=0, disability_structures=2))["R3-reservation"]
    assert finding.legal_basis.startswith("CCP L2113-12")
    assert finding.proposal["reservation_kind"] == "disability"


def test_r4_allotment_by_department_before_after():
    facts = lot(
        amount=D("900000"),
        department_codes=("75", "93", "94"),
        able_by_unit=(
            ("department", "75", "Paris", 4, 1),
            ("department", "93", "Seine-Saint-Denis", 3, 1),
            ("department", "94", "Val-de-Marne", 1, 1),
        ),
    )
    finding = rules_of(facts)["R4-allotment"]
    after = finding.proposal["after"]
    assert len(after) == 2  # 94 has a single able structure: grouped with the biggest lot
    assert sum(D(part["amount"]) for part in after) == D("900000")
    assert finding.proposal["before"]["amount"] == "900000"


def test_r4_reads_maintenance_in_a_title_written_in_capitals():
    # A trade outside the maintenance families (security: 79710000): only the title says « propreté ».
    units = (("department", "75", "Paris", 4, 1), ("department", "93", "Seine-Saint-Denis", 3, 1))
    facts = lot(cpv="79710000", title="PROPRETÉ ET GARDIENNAGE DES SITES", department_codes=("75", "93"))
    assert "R4-allotment" in rules_of(replace(facts, able_by_unit=units, title="PROPRETE DES SITES"))


def test_r4_not_for_a_single_department():
    facts = lot(able_by_unit=(("department", "75", "Paris", 4, 1),))
    assert "R4-allotment" not in rules_of(facts)


def aubervilliers(**overrides):
    items = (
        LineItemFacts("GO", "Gros œuvre", "45223000", D("38500000")),
        LineItemFacts("SO", "Second œuvre", "45421000", D("21600000")),
        LineItemFacts("PE", "Peinture intérieure", "45442100", D("2400000")),
        LineItemFacts("PL", "Plantations et espaces verts", "45112710", D("650000")),
        LineItemFacts("EQ", "Équipements", "39000000", D("46850000")),
    )
    values = {
        "title": "Bâtiment d'enseignement supérieur, Aubervilliers",
        "cpv": "45214400",
        "nature": "works",
        "amount": D("110000000"),
        "market_amount": D("110000000"),
        "duration_months": 36,
        "department_codes": ("93",),
        "line_items": items,
    }
    values.update(overrides)
    return lot(**values)


def test_aubervilliers_planting_is_carved_out_as_a_reserved_small_lot():
    carve_outs = [f for f in screen_lot(aubervilliers()) if f.rule_id == "R5-carve-out"]
    planting = next(f for f in carve_outs if f.subject == "ligne:PL")
    assert planting.proposal["procedure"] == "adapted_small_lot"
    assert planting.proposal["reservation_kind"] == "siae"
    assert "R2123-1 2°" in planting.legal_basis
    assert any("22\u202f000\u202f000 €" in r for r in planting.reasons)  # the 20 % budget is shown
    painting = next(f for f in carve_outs if f.subject == "ligne:PE")
    assert painting.proposal["procedure"] == "formalised"  # 2.4 M€ ≥ 1 M€: no small-lots exception
    assert {f.subject for f in carve_outs} == {"ligne:PL", "ligne:PE"}  # gros œuvre, equipment: not carved


def test_small_lots_budget_is_shared_and_can_run_out():
    facts = aubervilliers(small_lots_used=D("21800000"))
    planting = next(f for f in screen_lot(facts) if f.subject == "ligne:PL")
    assert planting.proposal["procedure"] == "formalised"
    assert "budget de 20 %" in " ".join(planting.reasons)


def test_carve_out_below_eu_threshold_needs_no_exception():
    facts = aubervilliers(amount=D("3000000"), market_amount=D("3000000"))
    planting = next(f for f in screen_lot(facts) if f.subject == "ligne:PL")
    assert planting.proposal["procedure"] == "adapted"


def test_line_items_give_hours_by_trade_and_r2_repeats_them():
    findings = rules_of(aubervilliers(launch_date=date(2027, 4, 1)))
    assert findings["R1-clause"].estimated_hours == findings["R2-obligation-2026"].estimated_hours
    assert any("Gros œuvre" in r for r in findings["R1-clause"].reasons)


def test_r6_new_sector_training():
    finding = rules_of(lot(cpv="80530000", title="Formation des demandeurs d'emploi"))["R6-new-sector"]
    assert finding.kind == "new_sector"
    assert any("comptabilité" in r for r in finding.reasons)


def test_r7_criterion_when_the_clause_cannot_be_calibrated():
    # waste collection: no public source gives its labour share or hourly cost
    findings = rules_of(lot(cpv="90511000", title="Collecte des déchets"))
    assert "R1-clause" not in findings
    assert findings["R7-award-criterion"].legal_basis.startswith("CCP R2152-7")


def test_r7_criterion_when_the_volume_is_small():
    findings = rules_of(lot(amount=D("70000"), market_amount=D("70000"), duration_months=12))
    assert "R7-award-criterion" in findings  # cleaning 70,000 € → 140 h < 150 h floor


def test_r3_says_the_capacity_is_an_assumption_when_it_is_used():
    finding = rules_of(lot(able_structures=3, able_capacity=None))["R3-reservation"]
    capacity = finding.reasons[1]
    assert "hypothèse à vérifier" in capacity and "300\u202f000 €" in capacity
    assert finding.figures_dict()["capacity"]["assumed"] is True


def test_r3_known_capacity_is_not_called_an_assumption():
    finding = rules_of(lot(able_structures=3, able_capacity=D("500000")))["R3-reservation"]
    assert not any("hypothèse" in r.lower() for r in finding.reasons)


# An undated lot is judged by its plan's year (domain.md §3.2: the obligation applies to consultations
# launched from 22 August 2026): a 5 M€ cleaning lot of a 2028 plan must not be silent.
UNDATED_CLEANING = {"launch_date": None, "amount": D("5000000"), "market_amount": D("5000000")}


def test_r2_undated_lot_of_a_later_plan_year_is_assumed_launched_in_that_year():
    finding = rules_of(lot(**UNDATED_CLEANING, plan_year=2027))["R2-obligation-2026"]
    assert finding.reasons[0] == (
        "Date de lancement inconnue : lancement supposé en 2027 (année de la programmation), "
        "après l'entrée en vigueur du 22/08/2026."
    )
    assert "216\u202f000 €" in finding.reasons[1]


def test_r2_undated_lot_of_a_2028_plan_uses_the_last_known_eu_threshold():
    # The 2028–2029 EU thresholds are not published yet: the last known one is used, and said so.
    finding = rules_of(lot(**UNDATED_CLEANING, plan_year=2028))["R2-obligation-2026"]
    assert "lancement supposé en 2028 (année de la programmation)" in finding.reasons[0]
    assert "216\u202f000 €" in finding.reasons[1]
    assert "dernier seuil connu retenu" in finding.reasons[2] and "à vérifier" in finding.reasons[2]
    assert finding.estimated_hours  # the clause's volume is suggested too


def test_r2_dated_lot_after_the_published_thresholds_is_not_silent():
    findings = rules_of(lot(launch_date=date(2028, 3, 1), amount=D("5000000"), market_amount=D("5000000")))
    assert "dernier seuil connu retenu" in findings["R2-obligation-2026"].reasons[2]


@pytest.mark.parametrize("plan_year", [2026, None], ids=["plan-of-the-start-year", "no-plan-year"])
def test_r2_undated_lot_without_a_conclusive_year_is_to_verify(plan_year):
    finding = rules_of(lot(**UNDATED_CLEANING, plan_year=plan_year))["R2-obligation-2026"]
    assert finding.reasons[0].startswith("À vérifier : date de lancement inconnue")
    assert "22/08/2026" in finding.reasons[0]


def test_r2_undated_lot_of_an_earlier_plan_year_is_before_the_obligation():
    assert "R2-obligation-2026" not in rules_of(lot(**UNDATED_CLEANING, plan_year=2025))


def test_r2_repeats_r1_volume_with_a_french_reference():
    findings = rules_of(lot(**UNDATED_CLEANING, plan_year=2027))
    last = findings["R2-obligation-2026"].reasons[-1]
    assert last.endswith("(voir la proposition « Clause sociale d'insertion »).")
    assert "R1-clause" not in last


# R1 names the method the estimator actually used (review: green spaces read « méthode propreté »).
def test_r1_green_spaces_explain_the_billed_hours_method():
    findings = rules_of(lot(cpv="77310000", title="Entretien des espaces verts"))
    sentence = findings["R1-clause"].reasons[2]
    assert sentence == (
        "533 h d'insertion estimées (méthode des heures facturées) : 480\u202f000 € ÷ 45 €/h de "
        "main-d'œuvre facturée × 5\u202f% d'insertion."
    )
    assert "propreté" not in sentence


def test_r1_cleaning_names_the_staff_take_over_only_when_there_is_one():
    with_staff = rules_of(lot(transferred_staff_monthly_hours=D("200")))["R1-clause"].reasons[2]
    assert "méthode propreté, reprise du personnel déduite : 200 h par mois à reprendre" in with_staff
    assert "P = 0,500" in with_staff
    without = rules_of(lot())["R1-clause"].reasons[2]
    assert without.startswith("960 h d'insertion estimées (méthode propreté, sans personnel à reprendre)")


def test_r1_standard_chain_sentence_gives_its_figures():
    estimate = estimate_standard(D("1000000"), D("0.5"), D("0.05"), D("30"))
    assert method_sentence(estimate, D("1000000")) == (
        "833 h d'insertion estimées : 1\u202f000\u202f000 € × 50\u202f% de main-d'œuvre × 5\u202f% "
        "d'insertion ÷ 30 €/h de coût horaire chargé."
    )


def test_r1_says_the_volume_per_year_on_a_multi_year_contract():
    reasons = rules_of(lot(transferred_staff_monthly_hours=D("200")))["R1-clause"].reasons
    assert (
        "Soit environ 120 h par an sur 48 mois (le volume s'entend sur toute la durée du marché)." in reasons
    )
