"""Rules added after the hand review of 20 ranked lists (tests/data/matching/hand_review_queries.csv)."""

import csv
from pathlib import Path

import numpy as np
import pytest

from dentelle.matching.capacity import oversize_warning
from dentelle.matching.reasons import explain
from dentelle.matching.scoring import LotQuery, score_all
from dentelle.matching.services import lot_warnings
from dentelle.matching.text import tokens
from dentelle.referentials.place import Place
from tests.matching.helpers import WEIGHTS, arrays_of, commune_place, structure

DATA = Path(__file__).resolve().parent.parent / "data" / "matching"
SCHOOL_CATERING = ("55523100",)


def catering_lot(text="Restauration scolaire des lycées"):
    return LotQuery(cpv_codes=SCHOOL_CATERING, text=text, place=commune_place("93001"))


def evidence(result, row):
    """The competence evidence in [0, 1] behind the competence factor (which starts at the floor)."""
    floor = WEIGHTS.competence["floor"]
    return (result.parts["competence"][row] - floor) / (1 - floor)


@pytest.mark.parametrize(
    "charity, caterer",
    [
        (
            dict(name="Les Restaurants du Cœur", cpv=["7731"], origin="kind"),
            dict(name="Traiteur solidaire", cpv=["55523100"], origin="naf"),
        ),
        (
            dict(name="Restaurant social", cpv=[], profile_text=""),
            dict(name="Cuisine centrale", cpv=[], profile_text="Restauration collective, repas scolaires"),
        ),
    ],
    ids=["charity-name-below-cpv-competence", "charity-name-below-profile-text"],
)
def test_a_name_word_is_not_a_competence(charity, caterer):
    result, _ = _score(catering_lot(), structure(1, **charity), structure(2, **caterer))
    assert result.score[1] > result.score[0]
    assert evidence(result, 0) < WEIGHTS.competence["text_share"]


@pytest.mark.parametrize(
    "where", ["name", "profile"], ids=["word-in-name-counts-little", "word-in-profile-counts-fully"]
)
def test_name_words_weigh_less_than_profile_words(where):
    texts = {"name": dict(name="Restaurant X", profile_text=""), "profile": dict(profile_text="Restaurant")}
    other = {"name": dict(profile_text="Restaurant"), "profile": dict(name="Restaurant X", profile_text="")}
    result, _ = _score(catering_lot(), structure(1, **texts[where]), structure(2, **other[where]))
    if where == "name":
        assert result.parts["competence"][0] < result.parts["competence"][1]
    else:
        assert result.parts["competence"][0] > result.parts["competence"][1]


def test_name_word_alone_never_lifts_competence():
    result, arrays = _score(catering_lot(), structure(1, name="Les Restaurants du Cœur", cpv=[]))
    assert (
        0
        < evidence(result, 0)
        <= WEIGHTS.competence["text_share"]
        * WEIGHTS.competence["name_text_factor"]
        / WEIGHTS.competence["text_saturation"]
    )
    reasons = explain(catering_lot(), arrays, result, 0, WEIGHTS).criteria[0].reasons
    assert any("un nom n'est pas une compétence" in reason for reason in reasons)


@pytest.mark.parametrize(
    "field", ["name", "profile_text"], ids=["place-word-in-name-ignored", "place-word-in-profile-ignored"]
)
def test_lot_place_words_are_not_competence(field):
    place = Place("department", "93", "Seine-Saint-Denis", department_codes=("93",))
    query = LotQuery(cpv_codes=("77310000",), text="Espaces verts de Seine-Saint-Denis", place=place)
    result, _ = _score(query, structure(1, cpv=[], **{field: "Seine Saint Denis"}))
    assert result.text_part[0] == 0


@pytest.mark.parametrize(
    "amount, extra, warns",
    [
        (3_000_000, {}, True),
        (200_000, {}, False),
        (3_000_000, {"turnover": 20_000_000.0}, False),
        (3_000_000, {"turnover": 1_000_000.0}, True),
    ],
    ids=[
        "huge-lot-unknown-capacity-warns",
        "ordinary-lot-no-warning",
        "known-sufficient-capacity-silences-warning",
        "known-insufficient-capacity-still-warns",
    ],
)
def test_oversize_lot_warning(amount, extra, warns):
    query = LotQuery(cpv_codes=("45212225",), annual_amount=amount, place=commune_place("93001"))
    arrays = arrays_of(structure(1, cpv=["45210000"], **extra), structure(2, cpv=["45210000"]))
    result = score_all(query, arrays, WEIGHTS)
    warnings = lot_warnings(query, arrays, result, result.top(5), WEIGHTS)
    assert bool(warnings) is warns
    if warns:
        assert "envisager l'allotissement" in warnings[0]
    # Per structure, an unknown capacity stays neutral however big the lot.
    assert result.extra["capacity_measure"][1] == WEIGHTS.capacity["unknown"]


def test_oversize_warning_uses_the_largest_kind_among_ranked():
    typical = {"ACI": 1_000.0, "ETTI": 10_000.0}
    nothing = {"turnover": np.array([np.nan, np.nan])}
    assert oversize_warning(5_000, ["ACI", "ETTI"], [0.6, 0.6], nothing, typical, 1.0) is None
    assert "ETTI" in oversize_warning(50_000, ["ACI", "ETTI"], [0.6, 0.6], nothing, typical, 1.0)


@pytest.mark.parametrize(
    "distinct, expected",
    [(False, [1, 2]), (True, [1, 3])],
    ids=["every-establishment-without-key", "one-establishment-per-siren"],
)
def test_top_keeps_one_establishment_per_company(distinct, expected):
    same_company = dict(cpv=["90910000"])
    records = [structure(1, **same_company), structure(2, **same_company), structure(3, cpv=["90911000"])]
    for record, siret in zip(records, ["12345678900011", "12345678900029", "98765432100017"], strict=True):
        record.siret = siret
    query = LotQuery(cpv_codes=("90910000",), place=commune_place("93001"))
    result, arrays = _score(query, *records)
    rows = result.top(2, distinct=arrays.siren if distinct else None)
    assert [int(arrays.pks[r]) for r in rows] == expected


@pytest.mark.parametrize(
    "text, stem", [("second œuvre", "oeuvre"), ("cæcum", "caecum")], ids=["oe-ligature", "ae-ligature"]
)
def test_ligatures_fold_to_letters(text, stem):
    assert stem in tokens(text)


def test_rome_trades_read_by_siret():
    from dentelle.matching.index import rome_trades

    trades = rome_trades(DATA / "rome_trades.csv")
    assert trades == {"00000000000001": ["Jardinier / Jardinière", "Manoeuvre bâtiment"]}
    assert rome_trades(DATA / "absent.csv") == {}


def test_hand_review_file_is_complete():
    with open(DATA / "hand_review_queries.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 20
    for row in rows:
        assert len(row["code CPV"]) == 8 and row["lieu"] and float(row["montant"]) > 0
        assert row["verdict_avant"] in {"acceptée", "rejetée"}
        assert row["verdict_apres"] in {"acceptée", "rejetée"}
        for review in ("apres", "2026_12_01_ajuste", "2026_12_01_final"):
            assert row.get(f"verdict_{review}", row.get("verdict_apres")) in {"acceptée", "rejetée"}
            ranks = row[f"rangs_rejetes_{review}"].replace(",", ";").split(";")
            assert all(rank.strip() in {"1", "2", "3", "4", "5"} for rank in filter(None, ranks)), row["id"]


def _score(query, *records):
    arrays = arrays_of(*records)
    return score_all(query, arrays, WEIGHTS), arrays
