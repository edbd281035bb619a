"""Fuzz: plan files (CSV, XLSX, JSON) through the upload reader and the importer (issue 10, the probe).

No exception escapes, every message is French, a refused import leaves the database as it was and
whatever is committed reads back (SQLite stores what PostgreSQL refuses, then every page fails).
"""

import json
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dentelle.core.importing import ImportReport, run_import
from dentelle.core.spreadsheet import UPLOAD
from dentelle.purchases.importer import import_plan
from dentelle.purchases.models import LineItem, Lot, Operation, PurchasePlan
from dentelle.purchases.planfile import PlanFileError, read_table_file
from tests import fuzz_strategies as fz

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
    STATS["files"] += 1
    before = snapshot()
    report = ImportReport(source=name)
    try:
        try:
            plan_data = read_table_file(data, name, report, limits=UPLOAD)
        except PlanFileError as exc:
            STATS["file refused"] += 1
            fz.assert_french([str(exc)])
            assert snapshot() == before
            return
        report, committed = run_import(
            import_plan, wet_run=True, report=report, plan_data=plan_data, organisation=organisation
        )
    except Exception:
        STATS["unhandled"] += 1
        raise
    fz.assert_french([str(p) for p in report.problems])
    if committed:
        STATS["committed"] += 1
        read_back()
    else:
        STATS["refused, database unchanged"] += snapshot() == before
        assert snapshot() == before


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
