"""Evaluation harness on DECP-shaped files we made (v1 JSON and v2 JSON)."""

import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from dentelle.matching.evaluation import (
    company_rank,
    evaluate_file,
    metrics,
    nature_of_cpv,
    place_of_record,
)
from dentelle.siaes.models import WonContract

DATA = Path(__file__).resolve().parent.parent / "data" / "matching"
pytestmark = pytest.mark.django_db


def ranks(figures, system="dentelle"):
    return {case["record_id"]: case["ranks"][system] for case in figures["all"]}


def test_every_record_counts_and_a_missing_holder_is_a_listed_miss(directory):
    figures = evaluate_file(DATA / "decp_v1.json")
    assert figures["records_read"] == 4 and figures["cases"] == 4
    found = ranks(figures)
    assert found["T-2019-004"] is None  # its holder is not in the directory: a miss, counted
    assert figures["misses"]["holder_not_in_directory"] == 1
    assert found["T-2019-001"] == 1 and found["T-2019-002"] == 1
    assert found["T-2019-003"] is not None  # the green-space ACI next door won a cleaning contract
    # Recall is over all four records, the missing holder included.
    assert figures["systems"]["dentelle"]["recall"][20] == pytest.approx(3 / 4)


def test_baselines_run_on_the_same_records(directory):
    figures = evaluate_file(DATA / "decp_v1.json")
    assert set(figures["systems"]) == {"dentelle", "nearest", "nearest_suited_kind"}
    for case in figures["all"]:
        assert set(case["ranks"]) == {"dentelle", "nearest", "nearest_suited_kind"}


def test_v2_file_and_holder_found_by_siren(directory):
    figures = evaluate_file(DATA / "decp_v2.json")
    assert ranks(figures) == {"V2-2024-001": 1, "V2-2024-002": 1}
    assert figures["systems"]["dentelle"]["recall"][1] == 1.0
    assert figures["systems"]["dentelle"]["mrr"] == 1.0


def scores(figures):
    return {case["record_id"]: case["score"] for case in figures["all"]}


def test_the_evaluated_contract_is_not_used_as_evidence(directory):
    def score_of_t_2019_003():
        return scores(evaluate_file(DATA / "decp_v1.json"))["T-2019-003"]

    def cleaning_contract_won_by_the_jardins(decp_id, subject):
        WonContract.objects.create(
            siae=directory["jardins"],
            decp_id=decp_id,
            buyer_name="Ville",
            object=subject,
            cpv_code="90910000",
        )

    before = score_of_t_2019_003()
    cleaning_contract_won_by_the_jardins("T-2019-003", "Nettoyage des espaces publics")
    assert score_of_t_2019_003() == before
    # Another contract of the same trade is legitimate evidence and lifts the structure.
    cleaning_contract_won_by_the_jardins("OTHER-1", "Nettoyage")
    assert score_of_t_2019_003() > before


def test_company_rank_counts_one_row_per_company_and_ties_at_their_mean():
    score = np.asarray([0.9, 0.9, 0.5, 0.5, 0.4])
    siren = np.asarray([1, 1, 2, 3, 4])
    eligible = np.ones(5, dtype=bool)
    assert company_rank(score, eligible, siren, {4}) == 4  # two establishments of company 1 count once
    assert company_rank(score, eligible, siren, {2}) == 2.5  # tied with company 3
    assert company_rank(score, ~eligible, siren, {0}) is None


def test_metrics_count_misses_as_failures():
    figures = metrics([1, 4, None, 12])
    assert figures["recall"][1] == 0.25 and figures["recall"][5] == 0.5 and figures["recall"][20] == 0.75
    assert figures["mrr"] == pytest.approx((1 + 1 / 4 + 1 / 12) / 4)


@pytest.mark.parametrize(
    "cpv, nature",
    [("45210000", "works"), ("39100000", "supplies"), ("77310000", "services"), ("48000000", "supplies")],
    ids=["division-45-is-works", "below-45-is-supplies", "above-45-is-services", "software-48-is-supplies"],
)
def test_nature_from_cpv(cpv, nature):
    assert nature_of_cpv(cpv) == nature


def test_record_places_and_the_buyer_commune_refines_a_department(geo):
    from dentelle.decp.readers import iter_decp

    records = list(iter_decp(DATA / "decp_v1.json"))
    place = place_of_record(records[0])
    assert (place.kind, place.code) == ("department", "93")
    assert place_of_record(records[1]).kind == "commune"
    buyer_in_93 = type(records[0])(**{**records[0].__dict__, "buyer_name": "Ville d'Aubervilliers"})
    refined = place_of_record(buyer_in_93)
    assert (refined.kind, refined.code) == ("department", "93")
    assert (refined.latitude, refined.longitude) == (48.9125, 2.3846)


def test_evaluate_command_text_json_and_cross_validation(directory, capsys):
    call_command("match", "evaluate", "--decp", str(DATA / "decp_v1.json"), str(DATA / "decp_v2.json"))
    out = capsys.readouterr().out
    assert "Marchés lus : 6" in out and "rappel@1" in out and "Pires cas" in out
    assert "Structure la plus proche d'abord" in out and "titulaire absent de l'annuaire : 1" in out
    call_command("match", "evaluate", "--decp", str(DATA / "decp_v2.json"), "--json", "--cross-validate")
    data = json.loads(capsys.readouterr().out)
    assert data["cases"] == 2 and data["systems"]["dentelle"]["recall"]["1"] == 1.0
    assert set(data["cross_validated"]["exponents_fitted_on_all"]) == {
        "competence",
        "territory",
        "capacity",
        "kind",
    }


def test_evaluate_command_rejects_a_missing_file(directory):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="introuvable"):
        call_command("match", "evaluate", "--decp", str(DATA / "absent.json"))
