"""`dentelle match` command: one lot, a plan file, errors in French."""

import json
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from dentelle.matching.planfile import read_plan
from tests.commands import command_runner

DATA = Path(__file__).resolve().parent.parent / "data" / "matching"
pytestmark = pytest.mark.django_db


run = command_runner("match")


def test_match_one_lot_table(directory):
    out = run("--cpv", "77310000", "--place", "93", "--amount", "120000", "--top", "3")
    lines = out.splitlines()
    assert "Seine-Saint-Denis" in lines[0] and "capable" in lines[0]
    # The two green-space structures of the department come first, whatever their order.
    assert "Les Jardins d'Aubervilliers" in out and "ESAT des Espaces Verts" in "".join(lines[2:4])
    assert len(lines) == 5


def test_match_one_lot_json(directory):
    data = json.loads(run("--cpv", "77310000-6", "--place", "Lille", "--json", "--top", "2"))
    assert data["place"]["code"] == "59350"
    assert data["items"][0]["name"] == "Paysages du Nord"
    assert data["items"][0]["criteria"][1]["reasons"]


@pytest.mark.parametrize(
    "args, message",
    [
        (("--place", "93"), "--cpv"),
        (("--cpv", "7731", "--place", "93"), "mal formé"),
        (("--cpv", "77310000", "--place", "Atlantide"), "introuvable"),
    ],
    ids=["cpv-required", "cpv-must-have-8-digits", "unknown-place"],
)
def test_match_errors_are_french(directory, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_read_simple_plan_csv(geo):
    lots = read_plan(DATA / "plan.csv")
    assert [line for line, _ in lots] == [2, 3, 4]
    # « Montant annuel » is read as the annual amount, not the whole contract's
    assert lots[0][1].cpv_codes == ["77310000"] and lots[0][1].annual_amount == 120_000
    assert lots[0][1].amount is None
    assert lots[1][1].place_text == "Saint-Denis (93)"


def test_match_plan_command(directory):
    out = run("plan", str(DATA / "plan.csv"), "--top", "2")
    assert "Ligne 2" in out and "Les Jardins d'Aubervilliers" in out
    assert "Propreté Plaine" in out and "Intérim Solidaire" in out
    data = json.loads(run("plan", str(DATA / "plan.csv"), "--json"))
    assert [entry["line"] for entry in data] == [2, 3, 4]


def test_match_plan_bad_file(directory, tmp_path):
    bad = tmp_path / "plan.csv"
    bad.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="en-têtes"):
        run("plan", str(bad))
    with pytest.raises(CommandError, match="introuvable"):
        run("plan", str(tmp_path / "absent.csv"))


@pytest.mark.parametrize(
    "amount, warns",
    [("20000000", True), ("120000", False)],
    ids=["huge-lot-gets-allotment-warning", "ordinary-lot-no-warning"],
)
def test_size_warning_in_cli_and_json(directory, amount, warns):
    out = run("--cpv", "77310000", "--place", "93", "--amount", amount, "--top", "3")
    assert ("envisager l'allotissement" in out) is warns
    data = json.loads(run("--cpv", "77310000", "--place", "93", "--amount", amount, "--json"))
    assert bool(data["warnings"]) is warns


@pytest.mark.parametrize(
    "amount", ["1e999999", "NaN", "Infinity", "9" * 400], ids=["exponent", "nan", "inf", "400-digits"]
)
def test_plan_reader_ignores_unbounded_amounts(geo, tmp_path, amount):
    path = tmp_path / "plan.csv"
    path.write_text(f"objet;code CPV;montant;lieu\nEspaces verts;77310000;{amount};93\n", encoding="utf-8")
    ((_line, facts),) = read_plan(path)
    assert facts.amount is None
