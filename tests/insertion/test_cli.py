import json

import pytest
from django.core.management import CommandError

from tests.commands import command_runner

estimate = command_runner("hours", "estimate")


def test_standard_chain_reproduces_the_mef_sud_77_example():
    text = estimate("--amount", "1000000", "--labour-share", "0.5", "--rate", "0.05", "--hourly-cost", "30")
    assert text.startswith("Heures d'insertion : 833\n")
    assert "effort d'insertion (€) : 25000" in text


def test_json_output_lists_the_figures_used():
    data = json.loads(
        estimate(
            "--amount", "1000000", "--labour-share", "0.5", "--rate", "0.05", "--hourly-cost", "30", "--json"
        )
    )
    assert data["hours"] == 833 and data["clause_advised"] is True
    assert {f["name"] for f in data["figures"]} >= {
        "amount",
        "labour_share",
        "insertion_rate",
        "loaded_hourly_cost",
    }


def test_cpv_uses_the_trade_family_and_cleaning_variant():
    data = json.loads(
        estimate("--amount", "500000", "--cpv", "90919200-4", "--duration-months", "36", "--json")
    )
    assert data["method"] == "cleaning" and data["hours"] == 1000  # 500,000 / 25 × 5 %
    assert data["figures"][0]["source"].startswith("cleaning")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--amount", "1000"], "Donner --cpv"),
        (["--amount", "1000", "--cpv", "77310000", "--rate", "0.1"], "pas les deux"),
        (["--amount", "abc", "--cpv", "77310000"], "nombre attendu"),
        (["--amount", "1000", "--cpv", "12"], "CPV mal formé"),
        (["--amount", "1000", "--cpv", "03000000"], "Aucune famille"),
    ],
    ids=["nothing", "both", "bad-amount", "bad-cpv", "unknown-family"],
)
def test_bad_arguments_give_a_french_error(args, message):
    with pytest.raises(CommandError, match=message):
        estimate(*args)
