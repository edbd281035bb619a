"""Repair of the DECP text whose accents the publisher replaced with « � »."""

import gzip
import json

import pytest

from dentelle.decp import repair
from dentelle.decp.readers import iter_decp
from dentelle.decp.records import DecpRecord, Holder

LEXICON = repair.Lexicon(
    [
        "Marché de travaux de réhabilitation des bâtiments",
        "marché public, réhabilitation, matériel médical",
        "Réhabilitation du théâtre municipal à Mâcon",
        "près de la gare ; près du lycée ; prés salés",
        "Équipements sportifs",
    ]
)


def test_damage_replaces_each_latin1_letter_by_one_replacement_character():
    assert (
        repair.damage("théâtre à Mâcon, n° 3, vœux")
        == "th\ufffd\ufffdtre \ufffd M\ufffdcon, n\ufffd 3, v\x9cux"
    )


@pytest.mark.parametrize(
    ("damaged", "expected", "flag"),
    [
        ("March\ufffd de r\ufffdhabilitation", "Marché de réhabilitation", repair.REPAIRED),
        ("R\ufffdHABILITATION DES B\ufffdTIMENTS", "RÉHABILITATION DES BÂTIMENTS", repair.REPAIRED),
        ("th\ufffd\ufffdtre \ufffd M\ufffdcon", "théâtre à Mâcon", repair.REPAIRED),
        ("Organisation des v\x9cux", "Organisation des vœux", repair.REPAIRED),
        ("texte sans accent", "texte sans accent", ""),
    ],
    ids=["lower", "upper-case", "two-letters-and-proper-noun", "cp1252-control", "clean"],
)
def test_repair_restores_the_clear_candidate(damaged, expected, flag):
    fixed = repair.repair_text(damaged, LEXICON)
    assert (fixed.text, fixed.flag) == (expected, flag)


def test_ambiguous_or_unknown_word_is_left_damaged_and_flagged():
    # « pr�s » : « près » twice, « prés » once — not clearly the most likely; « LAB�O » is unknown.
    fixed = repair.repair_text("pr\ufffds de LAB\ufffdO", LEXICON)
    assert fixed.text == "pr\ufffds de LAB\ufffdO"
    assert fixed.flag == repair.ALTERED


def test_a_record_built_by_any_reader_is_repaired_and_flagged():
    record = DecpRecord(
        index=1, id="X", uid="", kind="marche", format_version="1", source="data.gouv.fr_aife",
        buyer_siret="", buyer_name="Soci\ufffdt\ufffd publique", nature="", object="March\ufffd de travaux",
        cpv="", procedure="", place_code="", place_type="", place_name="Paris", duration_months=None,
        notification_date=None, amount=None, holders=(Holder("1", "SIRET", "Entreprise G\ufffdn\ufffdrale"),),
    )  # fmt: skip
    assert record.object == "Marché de travaux"
    assert record.buyer_name == "Société publique"
    assert record.holders[0].name == "Entreprise Générale"
    assert record.text_flag == repair.REPAIRED


def test_the_damaged_aife_feed_reads_repaired(settings):
    path = settings.DENTELLE_DATA_DIR / "decp" / "decp_2019_v1_data.gouv.fr_aife.json.gz"
    if not path.exists():
        pytest.skip("données partagées absentes")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        published = json.load(handle)["marches"]
    damaged = sum("\ufffd" in (item.get("objet") or "") for item in published)
    records = list(iter_decp(path))
    still = sum("\ufffd" in record.object for record in records)
    flagged = {
        flag: sum(record.text_flag == flag for record in records)
        for flag in (repair.REPAIRED, repair.ALTERED)
    }
    assert damaged > 3000
    assert still < 0.3 * damaged  # most records come out whole
    assert still == sum(
        record.text_flag == repair.ALTERED and "\ufffd" in record.object for record in records
    )
    assert flagged[repair.REPAIRED] > 2000


def test_an_unknown_inflection_is_repaired_through_its_stem():
    lexicon = repair.Lexicon(["prestations associées", "service désigné", "service désigné"])
    assert repair.repair_text("pi\ufffdces d\ufffdsign\ufffdes", lexicon).text == "pi\ufffdces désignées"
