"""One structure against many lots: the vectorised pass agrees with scoring lot by lot (pure, no DB)."""

import numpy as np
import pytest

from dentelle.matching.lot_arrays import (
    best_lots,
    build_lot_arrays,
    score_structure,
    score_structure_per_lot,
)
from dentelle.matching.reasons import explain
from dentelle.matching.scoring import LotQuery, score_all
from dentelle.matching.structure_subset import structure_subset
from dentelle.matching.structures import AreaRecord, CompetenceRecord
from dentelle.referentials.place import Place
from tests.matching.helpers import (
    WEIGHTS,
    arrays_of,
    commune_place,
    department_place,
    region_place,
    structure,
)


def directory():
    return arrays_of(
        structure(
            1,
            "ACI",
            cpv=["7731"],
            areas=[("department", "93")],
            turnover=900_000,
            profile_text="entretien espaces verts tonte taille haies",
            name="Jardins de la Plaine",
        ),
        structure(2, "EI", cpv=["7731", "9091"], commune="59350", profile_text="nettoyage locaux vitres"),
        structure(3, "ETTI", cpv=["7962"], commune="75056", areas=[("region", "11")], fte=12),
        structure(4, "ESAT", cpv=["773"], origin="naf", commune="93001", offers=("service_provision",)),
        structure(
            5, "EI", cpv=["7731"], commune="77288", areas=[("radius", "", 30.0)], largest_contract=40_000
        ),
        structure(6, "ACI", cpv=["7731"], is_active=False),
        structure(
            7, "EA", cpv=[CompetenceRecord("45", "kind")], areas=[("national",)], free_monthly_hours=300
        ),
        structure(8, "OPCS", cpv=["7731"], areas=[("commune", "93001")]),
        structure(
            9, "AI", commune="69123", areas=[AreaRecord("commune", "75056"), AreaRecord("department", "75")]
        ),
        structure(10, "EI", cpv=["4521"], commune="", name="Sans site"),
    )


def lots():
    epci = Place(
        "epci",
        "200054781",
        "Plaine Commune",
        latitude=48.92,
        longitude=2.36,
        department_codes=("93",),
        commune_codes=("93001", "93066"),
    )
    return [
        LotQuery(("77310000",), "Entretien des espaces verts", 120_000.0, department_place("93")),
        LotQuery(("77310000", "90910000"), "Espaces verts et nettoyage", 2_000_000.0, region_place("11")),
        LotQuery(("79620000",), "Mise à disposition de personnel", 50_000.0, commune_place("75056")),
        LotQuery(("77311000",), "Tonte", None, commune_place("77288"), reservation_kind="siae"),
        LotQuery(
            ("45210000",), "Travaux de gros œuvre", 300_000.0, Place("national", "FR", "France"), "works"
        ),
        LotQuery(("90910000",), "Nettoyage des vitres", 80_000.0, epci, reservation_kind="handicap"),
        LotQuery((), "Taille des haies", 10_000.0, None),
        LotQuery(("77310000",), "", 0.0, commune_place("59350"), "supplies"),
        LotQuery(("79620000",), "", 60_000.0, department_place("75"), reservation_kind="ess"),
    ]


def test_vectorised_pass_agrees_with_lot_by_lot_scoring():
    arrays, queries = directory(), lots()
    lot_arrays = build_lot_arrays(queries, arrays, WEIGHTS)
    some_eligible = 0
    for row in range(arrays.n):
        score, eligible = score_structure(lot_arrays, arrays, row, WEIGHTS)
        expected_score, expected_eligible = score_structure_per_lot(queries, arrays, row, WEIGHTS)
        assert eligible.tolist() == expected_eligible.tolist(), row
        np.testing.assert_allclose(score, expected_score, rtol=1e-6, atol=1e-9)
        # Same ranking as sorting the eligible lots by score, ties in lot order.
        reference = sorted(
            (i for i in range(len(queries)) if expected_eligible[i]), key=lambda i: -expected_score[i]
        )
        assert best_lots(score, eligible, 5).tolist() == reference[:5]
        some_eligible += int(eligible.sum())
    assert some_eligible > 20 and len(set(np.round(score, 6))) > 1  # not a trivial all-zero case


@pytest.mark.parametrize("row", [0, 2, 4, 8])
def test_structure_subset_scores_and_explains_like_the_whole_directory(row):
    arrays = directory()
    alone = structure_subset(arrays, [row])
    for query in lots():
        whole, single = score_all(query, arrays, WEIGHTS), score_all(query, alone, WEIGHTS)
        assert single.score[0] == pytest.approx(whole.score[row], rel=1e-9)
        assert (
            explain(query, alone, single, 0, WEIGHTS).as_dict()
            == explain(query, arrays, whole, row, WEIGHTS).as_dict()
        )


def test_lot_arrays_follow_the_structure_vocabularies():
    arrays = directory()
    lot_arrays = build_lot_arrays(lots(), arrays, WEIGHTS)
    assert lot_arrays.dept_mask.shape == (len(lots()), len(arrays.departments))
    assert lot_arrays.dept_mask[4].all()  # national lot: every department
    assert not lot_arrays.place_known[6]  # no place: territory neutral
    assert build_lot_arrays([], arrays, WEIGHTS).size == 0
    score, eligible = score_structure(build_lot_arrays([], arrays, WEIGHTS), arrays, 0, WEIGHTS)
    assert score.size == 0 and eligible.size == 0
