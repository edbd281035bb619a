"""Index, services and the LotDescription / Lot entry points (database)."""

import pytest

from dentelle.matching.description import LotDescription, query_of
from dentelle.matching.index import get_structure_index
from dentelle.matching.services import (
    count_able_structures,
    explain_structure,
    match_plan,
    opportunities_for_structure,
    ranked_structures,
)
from dentelle.siaes.models import Competence, WonContract

pytestmark = pytest.mark.django_db


def names(ranking):
    return [item["name"] for item in ranking["items"]]


def test_index_builds_arrays_and_rebuilds_after_a_change(directory):
    arrays = get_structure_index()
    assert arrays.n == 6 and arrays.active.sum() == 5
    assert get_structure_index() is arrays  # cached
    Competence.objects.create(siae=directory["proprete"], cpv_prefix="7731", origin="sourcing")
    rebuilt = get_structure_index()
    assert rebuilt is not arrays and rebuilt.comp_digits.shape[0] == arrays.comp_digits.shape[0] + 1


def test_won_contracts_become_evidence_keyed_competences(directory):
    WonContract.objects.create(
        siae=directory["proprete"], decp_id="2019-42", buyer_name="Ville", object="Tonte", cpv_code="77310000"
    )
    arrays = get_structure_index()
    assert "2019-42" in arrays.evidence_ids


def test_ranked_structures_on_a_lot(lot, directory):
    ranking = ranked_structures(lot, top=3)
    assert set(names(ranking)[:2]) == {"Les Jardins d'Aubervilliers", "ESAT des Espaces Verts"}
    assert "Jardins Fermés" not in names(ranking)
    assert ranking["place"]["code"] == "93" and ranking["annual_amount"] == 120_000
    first = ranking["items"][0]
    assert {c["criterion"] for c in first["criteria"]} == {"competence", "territory", "capacity", "kind"}
    assert all(c["reasons"] for c in first["criteria"])


def test_same_answer_for_a_plain_lotfacts(lot, directory):
    facts = LotDescription(
        cpv_codes=["77310000"],
        annual_amount=120_000,
        place_kind="department",
        place_code="93",
        text="Espaces verts Seine-Saint-Denis Entretien des espaces verts des lycées",
    )
    assert names(ranked_structures(facts, top=5)) == names(ranked_structures(lot, top=5))


def test_free_text_place_is_resolved(directory):
    query = query_of(LotDescription(cpv_codes=["77310000"], place_text="Lille"))
    assert query.place.kind == "commune" and query.place.code == "59350"


def test_count_able_structures_for_the_scanner(lot, directory):
    counts = count_able_structures(lot)
    assert counts["count"] >= 1 and counts["kinds"].get("ACI") == 1
    assert "ESAT" not in counts["kinds"] or counts["kinds"]["ESAT"] >= 1
    assert counts["median_turnover"] == 900_000 and counts["with_known_capacity"] == 1
    assert count_able_structures(lot, min_score=counts["top_score"] + 1e-9)["count"] == 0


def test_reserved_lot_counts_only_its_legal_basis(lot, directory):
    lot.reservation_kind = "disability"
    lot.save()
    ranking = ranked_structures(lot, top=10)
    assert {item["kind"] for item in ranking["items"]} <= {"EA", "ESAT", "EATT"}
    assert names(ranking)[0] == "ESAT des Espaces Verts"


def test_staff_provision_lot_prefers_etti(directory):
    facts = LotDescription(
        cpv_codes=["79620000"], place_kind="region", place_code="11", text="Mise à disposition de personnel"
    )
    assert names(ranked_structures(facts, top=1)) == ["Intérim Solidaire"]


def test_explain_structure_gives_rank_and_reasons(lot, directory):
    item = explain_structure(lot, directory["paysage"].pk)
    territory = next(c for c in item["criteria"] if c["criterion"] == "territory")
    assert item["rank"] > 1 and any("hors de sa zone" in r for r in territory["reasons"])
    assert explain_structure(lot, 999_999) is None


def test_opportunities_for_a_structure(lot, directory):
    other = LotDescription(cpv_codes=["90910000"], place_kind="department", place_code="93", text="Nettoyage")
    entries = opportunities_for_structure(directory["jardins"], [other, lot])
    assert [lot_ for lot_, _ in entries][0] is lot


def test_match_plan_batch(directory):
    plan = [
        LotDescription(cpv_codes=["77310000"], place_text="93"),
        LotDescription(cpv_codes=["90910000"], place_text="93"),
    ]
    results = match_plan(plan, top=2)
    assert {s["name"] for s in results[0]["structures"]} == {
        "Les Jardins d'Aubervilliers",
        "ESAT des Espaces Verts",
    }
    assert results[1]["structures"][0]["name"] == "Propreté Plaine"


@pytest.mark.parametrize(
    "naf, origin",
    [("9609Z", "naf_generic"), ("8130Z", "naf")],
    ids=["non-specific-naf-line-weighs-like-a-default", "specific-naf-line-keeps-naf-weight"],
)
def test_index_marks_generic_naf_competences(geo, naf, origin):
    from dentelle.matching.index import structure_records
    from dentelle.siaes.models import Siae
    from tests.matching.conftest import make_siae

    siae = make_siae(40, "Les Restaurants du Cœur", "ACI", "93001", competences=[("9839", "naf")])
    Siae.objects.filter(pk=siae.pk).update(naf=naf)
    record = next(r for r in structure_records() if r.pk == siae.pk)
    assert [c.origin for c in record.competences] == [origin]
    assert "Restaurants" not in record.profile_text  # the name is indexed apart, with less weight


def test_index_adds_rome_trades_by_siret(geo, monkeypatch):
    from dentelle.matching import index
    from tests.matching.conftest import make_siae

    siae = make_siae(41, "Association du quartier", "ACI", "93001")
    monkeypatch.setattr(index, "rome_trades", lambda: {siae.siret: ["Jardinier / Jardinière"]})
    record = next(r for r in index.structure_records() if r.pk == siae.pk)
    assert "Jardinier" in record.profile_text


def test_a_list_without_any_trade_evidence_is_flagged(directory):
    from dentelle.matching.services import NO_EVIDENCE_WARNING

    catering = ranked_structures(LotDescription(cpv_codes=["55523100"], place_text="93"), top=5)
    assert catering["items"] and NO_EVIDENCE_WARNING in catering["warnings"]
    green = ranked_structures(LotDescription(cpv_codes=["77310000"], place_text="93"), top=5)
    assert NO_EVIDENCE_WARNING not in green["warnings"]
