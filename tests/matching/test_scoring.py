"""Pure scoring: one rule per test id, no database."""

import re

import numpy as np
import pytest

from dentelle.matching.competence import cpv_similarity_rows
from dentelle.matching.kind import execution_mode
from dentelle.matching.reasons import explain
from dentelle.matching.scoring import LotQuery, score_all
from dentelle.matching.structures import AreaRecord, CompetenceRecord
from tests.matching.helpers import (
    WEIGHTS,
    arrays_of,
    commune_place,
    department_place,
    region_place,
    structure,
)

GREEN = ("77310000",)


def scores(query, *records):
    arrays = arrays_of(*records)
    return score_all(query, arrays, WEIGHTS), arrays


@pytest.mark.parametrize(
    "lot_code, competence, expected_order",
    [
        ("77310000", "77310000", "exact"),
        ("77310000", "77300000", "ancestor"),
        ("77310000", "77311000", "descendant"),
        ("77310000", "77340000", "cousin"),
        ("77310000", "90910000", "other_division"),
    ],
    ids=[
        "exact-code-is-best",
        "broader-competence-decays",
        "narrower-competence-decays",
        "sibling-branch-decays-faster",
        "other-division-is-zero",
    ],
)
def test_cpv_tree_distance(lot_code, competence, expected_order):
    arrays = arrays_of(structure(1, cpv=[competence]))
    value = cpv_similarity_rows(arrays, lot_code, WEIGHTS.competence)[0]
    expected = {
        "exact": 1.0,
        "ancestor": WEIGHTS.competence["ancestor_decay"],
        "descendant": WEIGHTS.competence["descendant_decay"],
        "cousin": WEIGHTS.competence["cousin_decay"] ** 2,
        "other_division": 0.0,
    }[expected_order]
    assert value == pytest.approx(expected)


def test_origin_weights_rank_declared_above_naf():
    query = LotQuery(cpv_codes=GREEN, place=commune_place("93001"))
    result, _ = scores(
        query, structure(1, cpv=["77310000"], origin="declared"), structure(2, cpv=["77310000"], origin="naf")
    )
    assert result.parts["competence"][0] > result.parts["competence"][1]


def test_text_similarity_lifts_matching_profile():
    query = LotQuery(
        cpv_codes=GREEN, text="Entretien des espaces verts des lycées", place=commune_place("93001")
    )
    result, arrays = scores(
        query,
        structure(1, cpv=["77310000"], profile_text="Jardins : espaces verts, élagage"),
        structure(2, cpv=["77310000"], profile_text="Blanchisserie industrielle"),
    )
    assert result.text_part[0] > 0 and result.text_part[1] == 0
    assert result.score[0] > result.score[1]
    reasons = explain(query, arrays, result, 0, WEIGHTS).criteria[0].reasons
    assert any("espaces" in reason for reason in reasons)


def test_won_contract_evidence_can_be_left_out():
    won = CompetenceRecord("77310000", "won_contract", "DECP-1")
    query = LotQuery(cpv_codes=GREEN, place=commune_place("93001"))
    arrays = arrays_of(structure(1, cpv=[won]))
    with_evidence = score_all(query, arrays, WEIGHTS).parts["competence"][0]
    without = score_all(query, arrays, WEIGHTS, exclude_evidence={"DECP-1"}).parts["competence"][0]
    # Without its evidence the structure keeps the competence floor: absence lowers, never buries.
    assert with_evidence > 0.5 and without == WEIGHTS.competence["floor"]


@pytest.mark.parametrize(
    "place, area, covered",
    [
        (commune_place("93001"), ("department", "93"), "full"),
        (commune_place("93001"), ("region", "11"), "full"),
        (commune_place("93001"), ("national", ""), "full"),
        (commune_place("59350"), ("department", "93"), "none"),
        (region_place("11"), ("department", "93"), "partial"),
        (region_place("11"), ("region", "11"), "full"),
        (department_place("93"), ("commune", "93001"), "partial"),
        (commune_place("93001"), ("commune", "93001"), "full"),
    ],
    ids=[
        "commune-lot-in-department-area",
        "commune-lot-in-region-area",
        "national-area-covers-all",
        "lot-outside-department-area",
        "region-lot-served-by-a-department-area",
        "region-lot-in-region-area",
        "department-lot-served-by-one-commune",
        "commune-area-same-commune",
    ],
)
def test_territory_coverage_both_ways(place, area, covered):
    result, _ = scores(LotQuery(cpv_codes=GREEN, place=place), structure(1, cpv=GREEN, areas=[area]))
    share = result.coverage_share[0]
    assert {"full": share >= 0.999, "partial": 0 < share < 0.999, "none": share == 0}[covered]


def test_region_lot_names_the_covered_part():
    query = LotQuery(cpv_codes=GREEN, place=region_place("11"))
    result, arrays = scores(query, structure(1, cpv=GREEN, areas=[("department", "93")]))
    reasons = explain(query, arrays, result, 0, WEIGHTS).criteria[1].reasons
    assert any("Couvre une partie" in r and "Seine-Saint-Denis (93)" in r for r in reasons)


def territory_parts(place, *areas_by_commune):
    """The territory part of the score of green-space structures, one per (commune, areas), for a
    green-space lot at place."""
    records = [structure(i, cpv=GREEN, commune=c, areas=a) for i, (c, a) in enumerate(areas_by_commune, 1)]
    result, _ = scores(LotQuery(cpv_codes=GREEN, place=place), *records)
    return result.parts["territory"]


def test_le_marche_gap_department_area_found_by_region_lot():
    """Le marché only checks containment upwards (anchors §1.3); we rank the partial server."""
    in_93, in_59 = territory_parts(
        region_place("11"), ("93001", [("department", "93")]), ("59350", [("department", "59")])
    )
    assert in_93 > 0.5 > in_59


def test_radius_area_reaches_nearby_commune_only():
    query = LotQuery(cpv_codes=GREEN, place=commune_place("75056"))
    near = structure(1, cpv=GREEN, areas=[AreaRecord("radius", "", 20.0)])  # Aubervilliers, ~7 km
    far = structure(2, cpv=GREEN, commune="59350", areas=[AreaRecord("radius", "", 20.0)])
    result, _ = scores(query, near, far)
    assert result.coverage_share[0] == 1.0 and result.coverage_share[1] == 0.0
    assert result.parts["territory"][0] > result.parts["territory"][1]


def test_distance_lowers_territory_inside_a_national_area():
    near, lyon = territory_parts(
        commune_place("75056"), ("93001", [("national", "")]), ("69123", [("national", "")])
    )
    assert near > lyon > 0


@pytest.mark.parametrize(
    "extra, expectation",
    [
        ({}, "neutral"),
        ({"turnover": 2_000_000}, "full"),
        ({"turnover": 100_000}, "low"),
        ({"largest_contract": 80_000}, "full"),
        ({"largest_contract": 5_000}, "low"),
        ({"fte": 40}, "full"),
        ({"fte": 1}, "low"),
        ({"turnover": 2_000_000, "fte": 1}, "low"),
    ],
    ids=[
        "unknown-capacity-is-neutral-not-zero",
        "large-turnover-fits",
        "lot-over-150pct-turnover-fails",
        "largest-contract-fits",
        "lot-far-above-largest-contract",
        "enough-fte",
        "one-fte-too-small",
        "tightest-known-measure-wins",
    ],
)
def test_capacity(extra, expectation):
    query = LotQuery(cpv_codes=GREEN, annual_amount=120_000, place=commune_place("93001"))
    result, _ = scores(query, structure(1, cpv=GREEN, **extra))
    value = result.extra["capacity_measure"][0]  # the measured part, before the network-size factor
    if expectation == "neutral":
        assert value == WEIGHTS.capacity["unknown"] > 0
    elif expectation == "full":
        assert value == 1.0
    else:
        assert value < 0.5


def test_unknown_amount_is_neutral():
    result, _ = scores(LotQuery(cpv_codes=GREEN), structure(1, cpv=GREEN, turnover=10))
    assert result.extra["capacity_measure"][0] == WEIGHTS.capacity["unknown"]


@pytest.mark.parametrize(
    "query, kind, fit",
    [
        (LotQuery(cpv_codes=("79620000",)), "ETTI", "high"),
        (LotQuery(cpv_codes=("79620000",)), "ACI", "low"),
        (LotQuery(cpv_codes=GREEN, text="Mise à disposition de personnel"), "AI", "high"),
        (LotQuery(cpv_codes=GREEN), "ACI", "high"),
        (LotQuery(cpv_codes=GREEN), "AI", "low"),
        (LotQuery(cpv_codes=GREEN), "ESAT", "high"),
    ],
    ids=[
        "staff-provision-cpv-suits-etti",
        "staff-provision-does-not-suit-aci",
        "staff-provision-keyword-suits-ai",
        "services-suit-aci",
        "services-do-not-suit-ai",
        "services-suit-esat",
    ],
)
def test_kind_fit(query, kind, fit):
    result, _ = scores(query, structure(1, kind, cpv=GREEN))
    assert (result.parts["kind"][0] >= 0.9) == (fit == "high")


@pytest.mark.parametrize(
    "reservation, kind, admitted",
    [
        ("siae", "ACI", True),
        ("siae", "EI", True),
        ("siae", "ESAT", False),
        ("siae", "GEIQ", False),
        ("siae", "EITI", False),
        ("disability", "EA", True),
        ("disability", "ESAT", True),
        ("disability", "EI", False),
        ("siae_and_disability", "EA", True),
        ("siae_and_disability", "AI", True),
        ("", "GEIQ", True),
    ],
    ids=[
        "L2113-13-admits-aci",
        "L2113-13-admits-ei",
        "L2113-13-excludes-esat",
        "L2113-13-geiq-not-by-default",
        "L2113-13-eiti-not-by-default",
        "L2113-12-admits-ea",
        "L2113-12-admits-esat",
        "L2113-12-excludes-ei",
        "joint-reservation-admits-ea",
        "joint-reservation-admits-ai",
        "no-reservation-admits-all",
    ],
)
def test_reserved_lots_admit_only_their_legal_basis(reservation, kind, admitted):
    query = LotQuery(cpv_codes=GREEN, reservation_kind=reservation, place=commune_place("93001"))
    result, _ = scores(query, structure(1, kind, cpv=GREEN))
    assert bool(result.eligible[0]) is admitted
    assert bool(result.score[0] > 0) is admitted


def test_inactive_structure_is_out():
    result, arrays = scores(
        LotQuery(cpv_codes=GREEN), structure(1, cpv=GREEN, is_active=False), structure(2, cpv=GREEN)
    )
    assert result.score[0] == 0 and not result.eligible[0]
    assert list(result.top(5)) == [1]
    assert "inactive" in explain(LotQuery(cpv_codes=GREEN), arrays, result, 0, WEIGHTS).blocking[0]


def test_score_is_bounded_and_ranking_is_stable():
    records = [
        structure(i, cpv=[code], commune=commune)
        for i, (code, commune) in enumerate(
            [("77310000", "93001"), ("77310000", "59350"), ("90910000", "93001"), ("77300000", "75056")], 1
        )
    ]
    result, _ = scores(
        LotQuery(cpv_codes=GREEN, text="espaces verts", place=commune_place("93001"), annual_amount=50_000),
        *records,
    )
    assert np.all((result.score >= 0) & (result.score <= 1))
    # The competent structure on the spot first, the one 200 km away last: distance is the backbone.
    top = list(result.top(4))
    assert top[0] == 0 and top[-1] == 1


def test_execution_mode_from_nature():
    assert execution_mode(LotQuery(nature="works"), WEIGHTS) == "works"
    assert execution_mode(LotQuery(nature="supplies"), WEIGHTS) == "supplies"
    assert execution_mode(LotQuery(staff_provision=True), WEIGHTS) == "staff_provision"


def test_batch_cache_gives_the_same_scores():
    arrays = arrays_of(
        structure(1, cpv=GREEN, turnover=500_000), structure(2, cpv=["90910000"], commune="59350")
    )
    queries = [
        LotQuery(cpv_codes=GREEN, place=commune_place("93001"), annual_amount=90_000),
        LotQuery(
            cpv_codes=("90910000",), place=commune_place("93001"), annual_amount=90_000, text="nettoyage"
        ),
        LotQuery(cpv_codes=GREEN, place=region_place("11"), annual_amount=90_000),
    ]
    cache = {}
    for query in queries:
        assert np.allclose(
            score_all(query, arrays, WEIGHTS, cache=cache).score, score_all(query, arrays, WEIGHTS).score
        )
    assert len(cache) >= 4


def test_default_area_adds_a_radius_without_double_counting():
    default_93 = AreaRecord("department", "93", None, False)  # the directory's default, not a declaration
    record = structure(1, cpv=GREEN, areas=[default_93])
    paris = scores(LotQuery(cpv_codes=GREEN, place=commune_place("75056")), record)[0]
    assert paris.coverage_share[0] == 1.0  # Aubervilliers → Paris: within the default radius
    region = scores(LotQuery(cpv_codes=GREEN, place=region_place("11")), record)[0]
    assert region.coverage_share[0] == pytest.approx(1 / 8)  # its department, counted once
    declared = scores(
        LotQuery(cpv_codes=GREEN, place=commune_place("75056")),
        structure(1, cpv=GREEN, areas=[("department", "93")]),
    )[0]
    assert declared.coverage_share[0] == 0.0  # a declared department is taken at its word


def test_why_reasons_write_numbers_in_french():
    """Review: « suffisant (1.00) », « adéquation 1.00 », « proche du lot : 0.58 » (decimal point)."""
    query = LotQuery(cpv_codes=GREEN, annual_amount=120_000, place=commune_place("93001"))
    result, arrays = scores(query, structure(1, cpv=["77311000"], turnover=2_000_000))
    criteria = explain(query, arrays, result, 0, WEIGHTS).criteria
    text = " ".join(reason for criterion in criteria for reason in criterion.reasons)
    assert "suffisant (1,00)" in text and "adéquation 1," in text
    assert "2\u202f000\u202f000\u202f€" in text and "120\u202f000\u202f€" in text
    assert not re.search(r"\d\.\d", text)
