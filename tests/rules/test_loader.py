"""Rules files: validation on load, accessors, overrides (pure, no database)."""

import shutil
from datetime import date
from decimal import Decimal

import pytest

from dentelle.insertion.enums import FulfilmentMode
from dentelle.rules import (
    RulesError,
    apply_overrides,
    default_rules,
    family_for_cpv,
    load_rules,
    thresholds_at,
)
from dentelle.rules.loader import DATA_DIR
from dentelle.rules.lookups import families_for_text


@pytest.fixture
def rules_dir(tmp_path):
    for name in ("trade_families.toml", "thresholds.toml", "plausibility.toml"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def test_every_family_parameter_has_a_source():
    for family in default_rules().families:
        for name, param in family.params.items():
            assert param.source, f"{family.id}.{name}"


def test_unknown_values_stay_missing_with_warning():
    waste = default_rules().family("waste_collection")
    assert waste.params["labour_share"].missing
    assert any("part de main-d'œuvre" in w for w in waste.missing_warnings())


def test_no_user_visible_text_cites_internal_notes():
    """Sources are public references (article, guide and URL), never the team's own notes."""
    rules = default_rules()
    texts = [p.source for f in rules.families for p in f.params.values()] + [
        f.fit_source for f in rules.families
    ]
    texts += [str(row.get("article", "")) + str(row.get("source", "")) for row in rules.obligations]
    texts += [p.source for p in rules.screening.values()]
    texts += [c.hours.source + c.rationale for c in rules.plausibility.values()]
    texts.append(rules.rounding_source)
    offenders = [
        t
        for t in texts
        if "domain.md" in t or "à vérifier, domain" in t or "numéro à vérifier" in t or "Issue 4" in t
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("cpv", "family_id"),
    [
        ("45442110", "painting"),
        ("45262500-6", "masonry"),
        ("45210000", "building_other"),
        ("90919200", "cleaning"),
        ("90911000", "cleaning"),
        ("77310000", "green_spaces"),
        ("45112710", "landscaping_works"),
        ("80530000", "vocational_training"),
    ],
)
def test_family_for_cpv_takes_the_longest_prefix(cpv, family_id):
    assert family_for_cpv(cpv).id == family_id


def test_family_for_unknown_cpv_is_none():
    assert family_for_cpv("30190000") is None
    assert family_for_cpv("") is None


def test_keywords_find_families():
    found = [f.id for f, _ in families_for_text("Entretien des espaces verts et plantations du lycée")]
    assert found[0] == "green_spaces"


@pytest.mark.parametrize(
    ("when", "nature", "expected"),
    [
        (date(2025, 6, 1), "services", "221000"),
        (date(2026, 6, 1), "services", "216000"),
        (date(2025, 6, 1), "works", "5538000"),
        (date(2027, 12, 31), "works", "5404000"),
    ],
)
def test_eu_thresholds_by_period(when, nature, expected):
    param = thresholds_at(when).eu_threshold(nature)
    assert param.value == Decimal(expected)
    assert param.source.startswith("https://")


def test_dispense_rises_to_60000_on_1_april_2026():
    assert thresholds_at(date(2026, 3, 31)).dispense("services").value == 40000
    assert thresholds_at(date(2026, 4, 1)).dispense("services").value == 60000


def test_small_lots_and_obligation():
    t = thresholds_at(date(2026, 9, 1))
    assert t.small_lot_limit("works").value == 1_000_000
    assert t.small_lot_limit("supplies").value == 80_000
    assert t.small_lots_max_share().value == Decimal("0.20")
    assert t.obligation_applies(date(2026, 8, 22))
    assert not t.obligation_applies(date(2026, 8, 21))
    assert t.reservation_min_share().value == Decimal("0.50")


def test_bad_value_names_file_and_key(rules_dir):
    path = rules_dir / "trade_families.toml"
    path.write_text(path.read_text().replace('value = "0.70"', 'value = "soixante-dix"', 1))
    with pytest.raises(RulesError, match=r"trade_families\.toml.*family\[0\]\.labour_share"):
        load_rules(rules_dir)


def test_missing_source_is_refused(rules_dir):
    path = rules_dir / "thresholds.toml"
    path.write_text(
        path.read_text().replace('source = "https://reponses-marches-publics.fr/?p=3389"', 'source = ""', 1)
    )
    with pytest.raises(RulesError, match=r"thresholds\.toml.*eu_threshold\[0\]\.source"):
        load_rules(rules_dir)


def test_unknown_method_is_refused(rules_dir):
    path = rules_dir / "trade_families.toml"
    path.write_text(path.read_text().replace('method = "standard"', 'method = "magique"', 1))
    with pytest.raises(RulesError, match="méthode"):
        load_rules(rules_dir)


def test_fulfilment_modes_are_the_values_contracts_store():
    """The families' modes are FulfilmentMode values, as insertion contracts store them (no drift)."""
    modes = {mode for family in default_rules().families for mode in family.fulfilment_modes}
    assert modes and modes <= set(FulfilmentMode.values)
    assert FulfilmentMode.DIRECT_HIRE in modes


def test_fulfilment_mode_outside_the_enum_is_refused(rules_dir):
    path = rules_dir / "trade_families.toml"
    path.write_text(path.read_text().replace('"DIRECT_HIRE"', '"direct_hire"', 1))
    with pytest.raises(
        RulesError, match=r"family\[0\]\.fulfilment_modes.*direct_hire.*attendu : CO_CONTRACTING"
    ):
        load_rules(rules_dir)


def test_override_applies_on_top_with_its_source():
    rules = apply_overrides(
        default_rules(),
        [("family.waste_collection.labour_share", "0.60", "Étude interne 2026", "Région — x : motif")],
    )
    param = rules.family("waste_collection").params["labour_share"]
    assert param.value == Decimal("0.60")
    assert param.source == "Étude interne 2026"
    assert family_for_cpv("90511000", rules).params["labour_share"].value == Decimal("0.60")
    # The file values are untouched.
    assert default_rules().family("waste_collection").params["labour_share"].missing


def test_override_with_unknown_path_is_refused():
    with pytest.raises(RulesError, match="inconnu"):
        apply_overrides(default_rules(), [("family.nope.labour_share", "1", "s", "l")])


def test_plausibility_ceiling_needs_a_french_rationale(rules_dir):
    path = rules_dir / "plausibility.toml"
    path.write_text(
        'version = "x"\n[ceiling.works]\nvalue = "9500"\nsource = "s"\ntag = "Verify"\n', encoding="utf-8"
    )
    with pytest.raises(RulesError, match="motif"):
        load_rules(rules_dir)


def test_plausibility_file_is_optional(rules_dir):
    (rules_dir / "plausibility.toml").unlink()
    assert load_rules(rules_dir).plausibility == {}


def test_families_for_text_folds_case_accents_and_ligatures():
    # Plans written in capitals lose their accents: « MACONNERIE » is « maçonnerie », « GROS OEUVRE » « gros œuvre ».
    assert "masonry" in [f.id for f, _ in families_for_text("LOT 2 MACONNERIE - RAVALEMENT")]
    assert "building_other" in [f.id for f, _ in families_for_text("TRAVAUX DE GROS OEUVRE")]
    assert "technical_installations" in [f.id for f, _ in families_for_text("Electricite et plomberie")]
