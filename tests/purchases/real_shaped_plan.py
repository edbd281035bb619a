"""A real-shaped plan for the import comparisons: the files of tests/data/purchases and a few hundred rows
resampled from the real DECP 2019 rows (as bench/bench_scan.py draws them), with services, repeated
references and lot numbers, procedures, planned measures, a « sites » sheet and line items."""

import csv
import io
import random
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from dentelle.core.importing import ImportReport
from dentelle.purchases.cpv_suggest import suggest_cpv
from dentelle.purchases.planfile import read_table_file
from tests.purchases.decp_sample import PLAN_COLUMNS, clean, decp_rows

DATA = Path(__file__).resolve().parents[1] / "data" / "purchases"


HEADER = [
    *PLAN_COLUMNS,
    "Direction/Service",
    "Lot",
    "Procédure",
    "Heures d'insertion",
    "Réservation",
    "Nombre de sites",
    "Montant annuel",
    "Description",
]
SERVICE_TEXTS = ["DL", "DPMG", "dl", "Direction DFP", "", "Service des lycées", "DESR", "DL"]
PROCEDURES = ["MAPA", "Appel d'offres ouvert", "", "marché d'insertion", "petits lots", "sans publicité"]
RESERVATIONS = ["", "", "", "SIAE", "ESAT", "", "oui"]


def decp_plan_csv(count, seed, amount_factor=1):
    """A plan of ``count`` rows drawn with replacement from the real DECP rows, with services,
    operations of several lots (a reference met again, sometimes with a lot number met again),
    procedures and planned measures; ``amount_factor`` changes the amounts (a re-import)."""
    rng = random.Random(seed)
    rows = decp_rows(settings.DENTELLE_DATA_DIR)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    references = []
    for i in range(count):
        row = rng.choice(rows)
        amount = row["montant"] if row["montant"] not in ("", "0") else ""
        if amount and amount_factor != 1:
            amount = str(round(Decimal(amount) * amount_factor, 2))
        if references and rng.random() < 0.2:
            reference, service = rng.choice(references)
            lot = rng.choice(["", "2", "3", "1"])
        else:
            reference, service = f"R{i}", SERVICE_TEXTS[i % len(SERVICE_TEXTS)]
            if i % 41 == 5:  # two operations of the file, one once cut to 80 characters (an update)
                reference, service = "L" * 80 + str(i % 2), "DL"
            references.append((reference, service))
            lot = ""
        writer.writerow(
            [
                reference,
                clean(row["objet"]),
                row["code_cpv8"] if i % 37 else "12345678",  # a few codes unknown to the CPV referential
                amount,
                row["duree_mois"],
                row["lieu_execution_nom"] if i % 23 else "Zzyzx-sur-Rien",
                row["lieu_execution_code"] if i % 23 else "",
                service,
                lot,
                PROCEDURES[i % len(PROCEDURES)],
                str(100 + i) if i % 5 == 0 else "",
                RESERVATIONS[i % len(RESERVATIONS)],
                "3" if i % 11 == 0 else "",
                str(10000 + i) if i % 13 == 0 else "",
                f"Ligne {i}" if i % 3 == 0 else "",
            ]
        )
    return out.getvalue().encode()


SITE_RECORDS = [
    (2, {"site": "Lycée A", "commune": "94028", "opération": "R0", "lot": "1", "montant": "1200"}),
    (3, {"site": "Lycée B", "commune": "Créteil", "opération": "R0", "lot": "1", "poids": "2"}),
    (4, {"site": "Lycée C", "latitude": "48.85", "longitude": "2.35", "opération": "R7", "groupe": "g"}),
    (5, {"site": "Perdu", "latitude": "48.85", "longitude": "2.35", "opération": "R99999"}),
    (6, {"site": "Sans lot", "latitude": "48.85", "longitude": "2.35", "opération": "R0", "lot": "9"}),
    (7, {"site": "", "commune": "94028", "opération": "R0"}),
]


def plan_files(count=300, seed=42, amount_factor=1, sites=True):
    """(name, bytes) of the files one scenario imports, each read anew for each importer."""
    files = [(name, (DATA / name).read_bytes()) for name in ("plan_semicolon.csv", "plan_cp1252_comma.csv")]
    plan_json = (DATA / "plan.json").read_bytes()
    if amount_factor != 1:  # a line item re-estimated
        plan_json = plan_json.replace(b'"amount": "12000000"', b'"amount": "13200000"')
    files.append(("plan.json", plan_json))
    files.append(("decp.csv", decp_plan_csv(count, seed, amount_factor)))
    return [(name, data, sites and name == "decp.csv") for name, data in files]


def read(name, data, with_sites):
    report = ImportReport(source=name)
    plan_data = read_table_file(data, name, report, suggest_cpv)
    if with_sites:
        plan_data.site_records = [(line, dict(record)) for line, record in SITE_RECORDS]
    return plan_data, report
