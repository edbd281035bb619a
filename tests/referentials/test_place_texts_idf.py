"""Île-de-France place texts as buyers write them (tests/data/referentials/idf_place_texts.csv):
share resolved to the right department(s). Run with -s to see the figures and the misses."""

import csv
from pathlib import Path

import pytest

from dentelle.purchases.places import resolve_lot_place

LIST = Path(__file__).resolve().parents[1] / "data" / "referentials" / "idf_place_texts.csv"
# Measured 2026-12-06: 29/51 before the work on this list, 47/51 after; raise it when it improves.
MINIMUM_RIGHT = 47


def evaluate():
    with open(LIST, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    right, misses = 0, []
    for row in rows:
        expected = set(row["departements"].split("|"))
        found = set(resolve_lot_place(row["texte"]).department_codes)
        if found == expected:
            right += 1
        else:
            misses.append((row["texte"], sorted(expected), sorted(found)))
    return len(rows), right, misses


@pytest.mark.django_db
def test_idf_place_texts_resolve_to_the_right_departments(referentials_loaded):
    total, right, misses = evaluate()
    print(f"\nLieux d'Île-de-France : {right}/{total} au bon département ({right / total:.0%})")
    for text, expected, found in misses:
        print(f"  manqué : « {text} » attendu {expected}, trouvé {found or 'rien'}")
    assert right >= MINIMUM_RIGHT
