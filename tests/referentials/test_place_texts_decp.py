"""DECP 2019 places of execution in Île-de-France (../shared/data/decp/decp_2019_v1_marches.csv):
share of the *names alone* resolved to the department their code gives. Run with -s for the figures."""

import csv
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from dentelle.core.geo import department_of_postcode
from dentelle.purchases.places import resolve_lot_place

IDF = {"75", "77", "78", "91", "92", "93", "94", "95"}
# Measured 2026-12-06 on the distinct names whose code is a postcode in Île-de-France.
MINIMUM_SHARE = 0.78  # 136/173 after the 2026-12-06 work


def idf_names():
    path = Path(settings.DENTELLE_DATA_DIR) / "decp" / "decp_2019_v1_marches.csv"
    if not path.exists():
        pytest.skip("DECP 2019 absent de ../shared/data")
    names = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code, name = row["lieu_execution_code"].strip(), row["lieu_execution_nom"].strip()
            if "postal" not in row["lieu_execution_type"].lower() or len(code) != 5 or not name:
                continue
            try:
                dept = department_of_postcode(code)
            except ValueError:
                continue
            if dept in IDF and "\ufffd" not in name:
                names.setdefault(name, dept)
    return names


@pytest.mark.django_db
def test_decp_idf_place_names_resolve_to_the_department_of_their_code(referentials_loaded):
    names = idf_names()
    right, misses = 0, Counter()
    for name, dept in names.items():
        found = resolve_lot_place(name).department_codes
        if found == [dept]:
            right += 1
        else:
            misses[f"« {name} » attendu {dept}, trouvé {found or 'rien'}"] += 1
    share = right / len(names)
    print(f"\nDECP 2019, noms de lieux en Île-de-France : {right}/{len(names)} ({share:.1%})")
    for miss in list(misses)[:40]:
        print(f"  manqué : {miss}")
    assert share >= MINIMUM_SHARE
