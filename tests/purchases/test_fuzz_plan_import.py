"""Fuzz: plan files (CSV, XLSX, JSON) through the upload reader and the importer (issue 10, the probe).

No exception escapes, every message is French, a refused import leaves the database as it was and
whatever is committed reads back (SQLite stores what PostgreSQL refuses, then every page fails).
"""

import json
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dentelle.core.importing import ImportReport
from dentelle.core.spreadsheet import UPLOAD
from dentelle.purchases.models import LineItem, Lot, Operation, PurchasePlan
from dentelle.purchases.plan_data import PlanFileError
from dentelle.purchases.planfile import read_table_file
from tests import fuzz_strategies as fz
from tests.fuzz_imports import check_import
from tests.purchases.plan_imports import run_plan_import

HEADERS = [
    "Référence",
    "Objet",
    "Code CPV",
    "Montant estimé HT",
    "Montant annuel",
    "Durée",
    "Reconductions",
    "Date de lancement",
    "Lieu d'exécution",
    "Direction/Service",
    "Heures d'insertion",
    "Nombre de sites",
    "Heures mensuelles reprises",
    "Nature",
]
STATS = Counter()


def snapshot():
    from dentelle.accounts.models import BuyerService

    return tuple(m.objects.count() for m in (PurchasePlan, Operation, Lot, LineItem, BuyerService))


def read_back():
    list(Lot.objects.values_list("estimated_amount", "annual_amount", "duration_months", "clause_hours"))
    list(Lot.objects.values_list("sites_count", "transferred_staff_monthly_hours", "title"))
    list(
        Operation.objects.values_list(
            "estimated_amount", "duration_months", "renewals", "planned_launch_date"
        )
    )
    list(LineItem.objects.values_list("amount", flat=True))
    list(PurchasePlan.objects.values_list("year", "name"))


@st.composite
def table_file(draw):
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8))  # duplicates too
    if draw(st.booleans()):
        header = ["Objet", "Direction/Service", *header]
    rows = draw(st.lists(st.lists(fz.cells(), min_size=0, max_size=len(header) + 1), max_size=4))
    if draw(st.booleans()):
        rows.append(["Nettoyage", "DL", *[draw(fz.numbers()) for _ in header]])
    kind = draw(st.sampled_from(["csv", "csv", "xlsx"]))
    if kind == "csv":
        delimiter = draw(st.sampled_from([";", ",", "\t"]))
        data = fz.encode(fz.csv_text(header, rows, delimiter), draw(fz.ENCODINGS))
    else:
        data = fz.xlsx_bytes(header, rows)
    how, cut = draw(fz.MANGLING)
    return f"plan.{kind}", fz.mangle(data, how, cut)


@st.composite
def json_file(draw):
    value = fz.json_values()
    lot = draw(
        st.fixed_dictionaries(
            {},
            optional={
                k: value
                for k in (
                    "number",
                    "cpv",
                    "amount",
                    "annual_amount",
                    "duration_months",
                    "sites_count",
                    "planned",
                )
            },
        )
    )
    operation = draw(
        st.fixed_dictionaries(
            {"reference": st.one_of(st.just("OP-1"), value), "title": st.one_of(st.just("Nettoyage"), value)},
            optional={
                "service": st.one_of(st.just("DL"), value, st.just("D" * 60_000)),
                "estimated_amount": value,
                "duration_months": value,
                "renewals": value,
                "planned_launch_date": value,
                "nature": value,
                "line_items": st.lists(value, max_size=2),
            },
        )
    )
    operation["lots"] = draw(st.one_of(st.just([lot]), value))
    payload = {"operations": draw(st.one_of(st.just([operation]), value))}
    if draw(st.booleans()):
        payload["year"] = draw(value)
    if draw(st.booleans()):
        payload = draw(value)
    text = json.dumps(payload, allow_nan=True)
    if draw(st.integers(0, 20)) == 0:
        text = fz.deep_json()
    elif draw(st.integers(0, 10)) == 0:
        text = text.replace("1", fz.HUGE_INT, 1) if "1" in text else fz.HUGE_INT
    how, cut = draw(fz.MANGLING)
    return "plan.json", fz.mangle(text.encode(), how, cut)


def check(name, data, organisation):
    def attempt():
        report = ImportReport(source=name)
        plan_data = read_table_file(data, name, report, limits=UPLOAD)
        return run_plan_import(plan_data, report, organisation)

    check_import(STATS, attempt, refused=PlanFileError, snapshot=snapshot, read_back=read_back)


@pytest.mark.django_db
def test_fuzz_plan_files(organisation):
    @fz.FUZZ
    @given(st.one_of(table_file(), json_file()))
    def run(file):
        check(*file, organisation)

    run()
    check("bombe.xlsx", fz.zip_bomb(), organisation)
    print(f"\nfuzz plans : {dict(STATS)}")
    assert STATS["unhandled"] == 0 and STATS["files"] > fz.EXAMPLES
