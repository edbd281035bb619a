"""The weights file is valid and documented; the matching's pure modules stay pure."""

import ast
import copy
from pathlib import Path

import pytest

from dentelle.matching.weights import WEIGHTS_PATH, WeightsError, load_weights, parse_weights

PURE = [
    "scoring.py",
    "competence.py",
    "kind.py",
    "territory.py",
    "capacity.py",
    "text.py",
    "structures.py",
    "reasons.py",
    "weights.py",
    "lot_arrays.py",
]
MATCHING = Path(__file__).resolve().parents[2] / "dentelle" / "matching"


def test_shipped_weights_are_valid_positive_exponents():
    weights = load_weights()
    assert all(value > 0 for value in weights.criteria.values())
    assert weights.origin_weights["kind"] == 0  # a kind default is never evidence of a trade
    assert weights.capacity["unknown"] > 0  # unknown capacity is neutral, never zero
    assert set(weights.kind_fit) == {"staff_provision", "services", "works", "supplies"}


def test_every_weight_line_is_commented():
    lines = [
        line
        for line in WEIGHTS_PATH.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.lstrip().startswith("#") and not line.startswith(("version", "source"))
    ]
    undocumented = [
        line
        for line in lines
        if "#" not in line
        and not line.split("=")[0].strip().isupper()
        and "cpv_prefixes" not in line
        and "keywords" not in line
        and "_kinds" not in line
    ]
    assert undocumented == []


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["weights"].update(competence=0, territory=0, capacity=0, kind=0), "nuls"),
        (lambda d: d["weights"].update(territory="beaucoup"), "nombre attendu"),
        (lambda d: d.pop("capacity"), "manquante"),
        (lambda d: d["competence"].update(text_share=0.5), "cpv_share"),
    ],
    ids=[
        "some-exponent-must-be-positive",
        "weights-are-numbers",
        "section-required",
        "competence-shares-sum-to-one",
    ],
)
def test_bad_weights_are_refused_in_french(mutate, message):
    import tomllib

    data = copy.deepcopy(tomllib.loads(WEIGHTS_PATH.read_text(encoding="utf-8")))
    mutate(data)
    with pytest.raises(WeightsError, match=message):
        parse_weights(data)


@pytest.mark.parametrize("name", PURE, ids=PURE)
def test_pure_modules_do_not_import_django(name):
    tree = ast.parse((MATCHING / name).read_text(encoding="utf-8"))
    modules = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
    modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in modules if m.startswith("django") or m.endswith(".models")]
