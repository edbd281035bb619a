"""Pure rules: reservation bases by kind, NAF → CPV table (no database)."""

import csv
from pathlib import Path

import pytest
from django.conf import settings

from dentelle.siaes import kinds
from dentelle.siaes.naf_cpv import (
    TABLE_PATH,
    NafCpvTable,
    compact_naf,
    load_table,
    normalise_naf,
    suggest_competences,
)
from dentelle.siaes.querysets import cpv_prefix


@pytest.mark.parametrize(
    "kind, articles",
    [
        pytest.param("ACI", ["L2113-13"], id="aci-siae-reservation"),
        pytest.param("AI", ["L2113-13"], id="ai-siae-reservation"),
        pytest.param("EI", ["L2113-13"], id="ei-siae-reservation"),
        pytest.param("ETTI", ["L2113-13"], id="etti-siae-reservation"),
        pytest.param("EA", ["L2113-12"], id="ea-disability-reservation"),
        pytest.param("ESAT", ["L2113-12"], id="esat-disability-reservation"),
        pytest.param("EATT", ["L2113-12"], id="eatt-disability-reservation"),
        pytest.param("EITI", [], id="eiti-to-verify"),
        pytest.param("GEIQ", [], id="geiq-to-verify"),
        pytest.param("", [], id="unknown-kind"),
    ],
)
def test_reservation_bases(kind, articles):
    assert [b.article for b in kinds.reservation_bases(kind)] == articles


@pytest.mark.parametrize("kind", ["EITI", "GEIQ"])
def test_unsettled_kinds_are_marked_to_verify(kind):
    assert "vérifier" in kinds.reservation_note(kind)
    assert not kinds.is_eligible_for(kind, "siae")


def test_joint_reservation_accepts_both_families():
    assert kinds.is_eligible_for("ACI", "siae_and_disability")
    assert kinds.is_eligible_for("ESAT", "siae_and_disability")
    assert not kinds.is_eligible_for("ESAT", "siae")
    assert kinds.is_eligible_for("ESAT", "")


def test_staff_provision_kinds_default_to_staff_provision():
    assert kinds.default_service_kinds("ETTI") == ["staff_provision"]
    assert "service_provision" in kinds.default_service_kinds("ACI")


@pytest.mark.parametrize(
    "raw, dotted, compact",
    [
        ("8130Z", "81.30Z", "8130Z"),
        ("81.30z", "81.30Z", "8130Z"),
        ("", "", ""),
        ("81", "", ""),
        ("8130", "", ""),
    ],
)
def test_naf_normalisation(raw, dotted, compact):
    assert normalise_naf(raw) == dotted
    assert compact_naf(raw) == compact


@pytest.mark.parametrize(
    "code, prefix",
    [("45442100", "454421"), ("45000000", "45"), ("03000000", "03"), ("77310000-6", "7731"), ("4", "")],
)
def test_cpv_prefix(code, prefix):
    assert cpv_prefix(code) == prefix


def test_specific_naf_gives_its_trade_and_no_kind_default():
    found = suggest_competences("8130Z", "ACI")
    assert {s.cpv_prefix for s in found} >= {"7731"}
    assert all(s.origin == "naf" for s in found)
    assert all("81.30Z" in s.rationale for s in found)


def test_generic_naf_adds_the_kind_default():
    found = suggest_competences("8899B", "ACI")
    origins = {s.origin for s in found}
    assert origins == {"naf", "kind"}
    assert "7731" in {s.cpv_prefix for s in found if s.origin == "kind"}


def test_unknown_sous_classe_falls_back_on_its_division():
    found = suggest_competences("8121Z", "EI")
    assert {s.cpv_prefix for s in found} == {"9091"}
    division_only = suggest_competences("43.13Z", "EI")  # forages: no sous-classe line, division 43 exists
    assert {s.cpv_prefix for s in division_only} == {"45"}
    assert "division" in division_only[0].rationale


def test_missing_naf_uses_kind_default():
    assert {s.cpv_prefix for s in suggest_competences("", "ETTI")} == {"7962"}
    assert suggest_competences("", "") == []


def test_every_kind_has_a_default():
    table = NafCpvTable(load_table())
    assert set(kinds.ALL_KINDS) <= set(table.by_kind)


def test_table_lines_point_to_real_codes():
    """Every CPV prefix of the table is a real CPV 2008 code; every NAF key a real sous-classe."""
    data = Path(settings.DENTELLE_DATA_DIR)
    with open(data / "cpv" / "cpv_2008.csv", encoding="utf-8") as handle:
        cpv_codes = {row["code"] for row in csv.DictReader(handle)}
    with open(data / "naf" / "naf_rev2_sous_classes.csv", encoding="utf-8") as handle:
        naf_codes = {row["code_sous_classe"] for row in csv.DictReader(handle)}
    rows = load_table(TABLE_PATH)
    assert [r for r in rows if r.cpv_prefix.ljust(8, "0") not in cpv_codes] == []
    assert [r for r in rows if r.scope == "naf" and r.key not in naf_codes] == []
    assert all(r.rationale for r in rows)


def test_table_rejects_a_line_without_rationale(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("scope,key,cpv_prefix,specific,rationale\nnaf,81.30Z,7731,oui,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="justification"):
        load_table(path)


@pytest.mark.parametrize("module", ["kinds.py", "naf_cpv.py", "svgmap.py"])
def test_siaes_pure_modules_do_not_touch_the_database(module):
    import ast

    path = Path(__file__).resolve().parents[2] / "dentelle" / "siaes" / module
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    assert not [n for n in names if n.startswith(("django.db", "django.contrib", "dentelle.siaes.models"))]


def test_esat_defaults_cite_a_source_and_ask_for_a_check():
    """FINESS gives no NAF: the ESAT kind lines are all an ESAT gets, so each says where it comes from."""
    esat = [r for r in load_table(TABLE_PATH) if r.scope == "kind" and r.key == "ESAT"]
    assert {r.cpv_prefix for r in esat} == {"7731", "7992", "9831"}
    for row in esat:
        assert "https://" in row.rationale and "vérifier" in row.rationale
        assert not row.specific


def test_rationales_fit_the_competence_column():
    """The stored rationale is the table's, prefixed with the NAF for NAF lines (400 characters)."""
    prefix = len("NAF 81.30Z (sous-classe) : ")
    assert [r.key for r in load_table(TABLE_PATH) if prefix + len(r.rationale) > 400] == []
