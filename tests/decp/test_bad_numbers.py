"""Issue 10, defects 5 and 10 for DECP files: huge exponents are refused at once, infinities, wrong
types and deep nesting are reported in French; nothing raises."""

import io
import json
import time

import pytest

from dentelle.decp.readers import DecpFileError, iter_decp

MARCHE = {
    "id": "M1",
    "acheteur": {"id": "21750001600019"},
    "nature": "Marché",
    "objet": "Nettoyage",
    "codeCPV": "90910000",
    "procedure": "Procédure adaptée",
    "dureeMois": 12,
    "dateNotification": "2024-03-01",
    "montant": 1000,
    "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "78471226700060"}}],
    "considerationsSociales": {"considerationSociale": ["Clause sociale"]},
    "considerationsEnvironnementales": {
        "considerationEnvironnementale": ["Pas de considération environnementale"]
    },
}


def read(text):
    problems = []
    records = list(iter_decp(io.BytesIO(text.encode()), problems))
    return records, problems


def v2(**fields):
    return json.dumps({"marches": {"marche": [{**MARCHE, **fields}]}})


def test_a_huge_exponent_duration_is_refused_at_once():
    start = time.perf_counter()
    (record,), problems = read(v2(dureeMois="1e2000000"))
    assert time.perf_counter() - start < 1  # 170 s before: int(Decimal("1e2000000"))
    assert record.duration_months is None
    assert any(p.field == "dureeMois" and "hors limites" in p.reason for p in problems)


@pytest.mark.parametrize("field", ["dureeMois", "montant"])
def test_infinity_and_nan_are_reported(field):
    for literal in ("Infinity", "-Infinity", "NaN"):
        text = v2().replace(f'"{field}": {MARCHE[field]}', f'"{field}": {literal}')
        (record,), problems = read(text)
        assert any(p.field == field for p in problems), (literal, problems)


@pytest.mark.parametrize("acts", [3, "texte", True, {"acteSousTraitance": {"sousTraitant": {"id": "1"}}}])
def test_actes_sous_traitance_not_a_list(acts):
    (record,), problems = read(v2(actesSousTraitance=acts))
    assert record.id == "M1"


@pytest.mark.parametrize("values", [[{"a": 1}], [["Clause sociale"]], 3])
def test_unhashable_consideration_values_are_reported(values):
    (record,), problems = read(v2(considerationsSociales={"considerationSociale": values}))
    assert any(p.field == "considerationsSociales" for p in problems)


def test_deep_nesting_is_a_french_file_error():
    text = '{"marches": [' + "[" * 100_000 + "]" * 100_000 + "]}"
    with pytest.raises(DecpFileError, match="trop profondément imbriqué"):
        read(text)


def test_a_5000_digit_integer_is_reported():
    (record,), problems = read(v2().replace('"montant": 1000', '"montant": ' + "9" * 5000))
    assert record.amount is None and any(p.field == "montant" and "trop long" in p.reason for p in problems)


def test_an_amount_beyond_a_trillion_is_reported():
    (record,), problems = read(v2(montant=1e308))
    assert record.amount is None and any(p.field == "montant" for p in problems)
