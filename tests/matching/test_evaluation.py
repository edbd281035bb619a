"""Evaluation harness on DECP-shaped files we made (v1 JSON and v2 JSON)."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from dentelle.matching.evaluation import evaluate_file, facts_of_record, nature_of_cpv
from dentelle.siaes.models import WonContract

DATA = Path(__file__).resolve().parent.parent / "data" / "matching"
pytestmark = pytest.mark.django_db


def ranks(figures):
    return {case["record_id"]: case["rank"] for case in figures["all"]}


def test_v1_file_keeps_only_directory_holders(directory):
    figures = evaluate_file(DATA / "decp_v1.json")
    assert (
        figures["records_read"] == 4 and figures["cases"] == 3
    )  # T-2019-004's holder is not in the directory
    found = ranks(figures)
    assert found["T-2019-001"] == 1 and found["T-2019-002"] == 1
    assert found["T-2019-003"] > 1  # the green-space ACI won a cleaning contract: a real miss
    assert figures["worst"][0]["record_id"] == "T-2019-003"


def test_v2_file_and_holder_found_by_siren(directory):
    figures = evaluate_file(DATA / "decp_v2.json")
    assert ranks(figures) == {"V2-2024-001": 1, "V2-2024-002": 1}
    assert figures["recall"][1] == 1.0 and figures["mrr"] == 1.0


def test_the_evaluated_contract_is_not_used_as_evidence(directory):
    before = ranks(evaluate_file(DATA / "decp_v1.json"))["T-2019-003"]
    WonContract.objects.create(
        siae=directory["jardins"],
        decp_id="T-2019-003",
        buyer_name="Ville",
        object="Nettoyage des espaces publics",
        cpv_code="90910000",
    )
    assert ranks(evaluate_file(DATA / "decp_v1.json"))["T-2019-003"] == before
    # Another contract of the same trade is legitimate evidence and lifts the structure.
    WonContract.objects.create(
        siae=directory["jardins"],
        decp_id="OTHER-1",
        buyer_name="Ville",
        object="Nettoyage",
        cpv_code="90910000",
    )
    assert ranks(evaluate_file(DATA / "decp_v1.json"))["T-2019-003"] < before


def test_recall_and_mrr_figures(directory):
    figures = evaluate_file(DATA / "decp_v1.json")
    rank_values = list(ranks(figures).values())
    assert figures["recall"][1] == pytest.approx(sum(r == 1 for r in rank_values) / 3)
    assert figures["recall"][20] == 1.0
    assert figures["mrr"] == pytest.approx(sum(1 / r for r in rank_values) / 3)


@pytest.mark.parametrize(
    "cpv, nature",
    [("45210000", "works"), ("39100000", "supplies"), ("77310000", "services"), ("48000000", "supplies")],
    ids=["division-45-is-works", "below-45-is-supplies", "above-45-is-services", "software-48-is-supplies"],
)
def test_nature_from_cpv(cpv, nature):
    assert nature_of_cpv(cpv) == nature


def test_record_place_types_become_lot_places():
    from dentelle.decp.readers import iter_decp

    records = list(iter_decp(DATA / "decp_v1.json"))
    assert (facts_of_record(records[0]).place_kind, facts_of_record(records[0]).place_code) == (
        "department",
        "93",
    )
    assert facts_of_record(records[1]).place_kind == "commune"


def test_evaluate_command_text_and_json(directory, capsys):
    call_command("match", "evaluate", "--decp", str(DATA / "decp_v1.json"), str(DATA / "decp_v2.json"))
    out = capsys.readouterr().out
    assert "titulaires présents dans l'annuaire : 5" in out and "rappel@1" in out and "Pires cas" in out
    call_command("match", "evaluate", "--decp", str(DATA / "decp_v2.json"), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["cases"] == 2 and data["recall"]["1"] == 1.0


def test_evaluate_command_rejects_a_missing_file(directory):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="introuvable"):
        call_command("match", "evaluate", "--decp", str(DATA / "absent.json"))
