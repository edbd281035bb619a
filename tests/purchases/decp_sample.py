"""The real DECP 2019 rows that plans are resampled from, by bench/bench_scan.py and by the import
comparisons (tests/purchases/real_shaped_plan.py): no Django needed."""

import csv
from pathlib import Path

DECP_FILE = "decp/decp_2019_v1_marches.csv"
# The first columns of a resampled plan file: what a DECP row gives.
PLAN_COLUMNS = [
    "Référence",
    "Objet",
    "Code CPV",
    "Montant estimé HT",
    "Durée (mois)",
    "Lieu d'exécution",
    "Code lieu",
]


def decp_rows(data_dir):
    """The DECP 2019 rows of ``data_dir`` with an 8-digit CPV."""
    with open(Path(data_dir) / DECP_FILE, encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if len(r["code_cpv8"] or "") == 8]


def clean(text):
    """A DECP object as one plan cell: one line, no semicolon, 200 characters at most."""
    return " ".join((text or "").replace("<br />", " ").replace(";", ",").split())[:200] or "Sans objet"
