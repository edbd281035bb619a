"""Findings' figures under English keys: the scanner writes them, migration 0004 rewrites the stored ones
(both ways), and the lot page shows old and new rows alike."""

import importlib
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dentelle.purchases.models import Finding, Lot, Operation, PurchasePlan
from dentelle.purchases.screening import screen_lot
from dentelle.purchases.templatetags.findings import FIGURE_NAMES, figure_rows, kind_label, rule_number
from tests.purchases.test_pages_and_api import scanned  # noqa: F401 (fixture)
from tests.purchases.test_screening import aubervilliers, lot

MIGRATION = importlib.import_module("dentelle.purchases.migrations.0004_finding_figures_english_keys")
D = Decimal
FIELDS = {"value", "source", "assumed", "label"}
SNAKE = re.compile(r"^([a-z][a-z0-9]*(_[a-z0-9]+)*|[A-Z])$")  # snake_case, or a formula letter (A, T…)

# As the scanner stored them before December 2026 (R3 with an assumed capacity, R5, an estimate).
OLD = {
    "structures_capables": {"valeur": 3, "source": "Annuaire Dentelle des SIAE"},
    "capacite": {"valeur": "300000", "source": "Hypothèse", "hypothese": True},
    "budget_20pc": {"valeur": "22000000", "source": "CCP R2123-1"},
    "labour_share": {"valeur": "0.70", "source": "http://www.mefsud77.fr/?page_id=28"},
}
NEW = {
    "able_structures": {"value": 3, "source": "Annuaire Dentelle des SIAE"},
    "capacity": {"value": "300000", "source": "Hypothèse", "assumed": True},
    "budget_20_percent": {"value": "22000000", "source": "CCP R2123-1"},
    "labour_share": {"value": "0.70", "source": "http://www.mefsud77.fr/?page_id=28"},
}


def every_rule_facts():
    units = (
        ("department", "75", "Paris", 4, 1),
        ("department", "93", "Seine-Saint-Denis", 3, 1),
        ("department", "94", "Val-de-Marne", 1, 1),
    )
    return [
        lot(able_structures=3, able_capacity=None),  # R1 (cleaning), R2, R3 with an assumed capacity
        lot(amount=D("900000"), department_codes=("75", "93", "94"), able_by_unit=units),  # R4
        aubervilliers(launch_date=date(2027, 4, 1)),  # R1 by trade (capped), R2, R5
        lot(cpv="80530000", title="Formation des demandeurs d'emploi"),  # R6
        lot(cpv="90511000", title="Collecte des déchets"),  # R7
    ]


def test_the_scanner_writes_english_keys_in_every_rule():
    drafts = [draft for facts in every_rule_facts() for draft in screen_lot(facts)]
    assert {d.rule_id for d in drafts if d.figures_dict()} >= {
        "R1-clause",
        "R2-obligation-2026",
        "R3-reservation",
        "R4-allotment",
        "R5-carve-out",
        "R6-new-sector",
        "R7-award-criterion",
    }
    names = {name for d in drafts for name in d.figures_dict()}
    fields = {key for d in drafts for figure in d.figures_dict().values() for key in figure}
    assert {"chain_hours", "plausibility_ceiling", "eu_threshold", "lot_ceiling"} <= names
    assert fields == FIELDS
    assert not names & set(MIGRATION.FIGURE_KEYS), "a figure still has its French name"
    assert all(SNAKE.match(name) for name in names), sorted(names)
    for draft in drafts:
        for name, figure in draft.figures_dict().items():
            assert set(figure) <= FIELDS and {"value", "source"} <= set(figure), (draft.rule_id, name)


def test_rewrite_both_ways():
    assert MIGRATION.rewrite(OLD, MIGRATION.FIGURE_KEYS, MIGRATION.FIELD_KEYS) == NEW
    back = {v: k for k, v in MIGRATION.FIGURE_KEYS.items()}, {v: k for k, v in MIGRATION.FIELD_KEYS.items()}
    assert MIGRATION.rewrite(NEW, *back) == OLD
    assert MIGRATION.rewrite(["not", "a", "dict"], MIGRATION.FIGURE_KEYS, MIGRATION.FIELD_KEYS) == [
        "not",
        "a",
        "dict",
    ]


def test_the_page_shows_the_names_the_migration_renamed():
    # One vocabulary: what the migration renames is what the page names back in French.
    assert {french: english for english, french in FIGURE_NAMES.items()} == MIGRATION.FIGURE_KEYS
    assert figure_rows(OLD) == figure_rows(NEW)
    assert figure_rows(NEW)[1] == (
        "capacité annuelle des structures capables (€)",
        "300\u202f000",
        "Hypothèse",
    )
    # An estimator figure stored without its label is named after its parameter.
    assert figure_rows(NEW)[3][0] != "labour_share"


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.mark.django_db(transaction=True)
def test_migration_0004_rewrites_stored_figures_and_back(organisation, service):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("purchases")[0]
    try:
        _migrate(("purchases", "0003_site"))
        plan = PurchasePlan.objects.create(organisation=organisation, year=2026, name="P")
        operation = Operation.objects.create(plan=plan, buyer_service=service, reference="OP", title="T")
        stored = Lot.objects.create(operation=operation, number="1", title="Nettoyage", cpv_code="90919200")
        old = Finding.objects.create(lot=stored, rule_id="R3-reservation", kind="reservation", figures=OLD)
        empty = Finding.objects.create(lot=stored, rule_id="R7-award-criterion", kind="award_criterion")
        _migrate(("purchases", "0004_finding_figures_english_keys"))
        old.refresh_from_db()
        empty.refresh_from_db()
        assert old.figures == NEW and empty.figures == {}
        _migrate(("purchases", "0003_site"))
        old.refresh_from_db()
        assert old.figures == OLD
    finally:
        _migrate(latest)


def _figure_lines(client, lot_pk):
    page = client.get(f"/achats/lot/{lot_pk}/").content.decode()
    blocks = re.findall(r"<summary>Chiffres utilisés et sources</summary>\s*<ul>(.*?)</ul>", page, re.S)
    return sorted(line for block in blocks for line in re.findall(r"<li>(.*?)</li>", block))


@pytest.mark.django_db
def test_lot_page_shows_old_and_new_rows_alike(client, officer, scanned):  # noqa: F811
    client.force_login(officer)
    stored = scanned.operations.get().lots.get()
    new = _figure_lines(client, stored.pk)
    # A French label and the French number format.
    assert any(
        line.startswith(
            "budget des petits lots : 20 % de la valeur du marché (€ HT) : 4\u202f000\u202f000 — "
        )
        for line in new
    ), new
    back = {v: k for k, v in MIGRATION.FIGURE_KEYS.items()}, {v: k for k, v in MIGRATION.FIELD_KEYS.items()}
    for finding in stored.findings.all():
        finding.figures = MIGRATION.rewrite(finding.figures, *back)  # as stored before the migration
        finding.save(update_fields=["figures"])
    assert any("valeur" in f.figures.get("budget_20pc", {}) for f in stored.findings.all())
    # Same lines (PostgreSQL's jsonb orders keys by length, hence the sort).
    assert _figure_lines(client, stored.pk) == new


@pytest.mark.django_db
def test_api_gives_figures_under_english_keys(client, officer, scanned):  # noqa: F811
    client.force_login(officer)
    findings = client.get("/api/purchases/findings").json()
    figures = [(name, figure) for f in findings for name, figure in f["figures"].items()]
    assert any(name == "budget_20_percent" for name, _ in figures)
    assert not {name for name, _ in figures} & set(MIGRATION.FIGURE_KEYS)
    assert all(set(figure) <= FIELDS for _, figure in figures)
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]["FindingOut"]
    assert "eu_threshold" in schema["properties"]["figures"]["description"]


def test_figures_stored_without_labels_read_in_french():
    stored = {
        "family": {"value": None, "source": "cleaning — Nettoyage et propreté"},
        "A": {"value": "686888", "source": "montant du lot"},
        "raw_hours": {"value": "105.555556", "source": "effort ÷ coût horaire"},
        "insertion_rate": {"value": "0.045", "source": "Decision Achats"},
        "obligation_date": {"value": "2026-08-22", "source": "loi 2021-1104 art. 35"},
    }
    assert figure_rows(stored) == [
        ("famille de métiers", "", "Nettoyage et propreté"),
        ("chiffre d'affaires estimé du lot (A, €)", "686\u202f888", "montant du lot"),
        ("heures avant arrondi", "105,6", "effort ÷ coût horaire"),
        (figure_rows(stored)[3][0], "4,5\u202f%", "Decision Achats"),
        (
            "date d'entrée en vigueur de la condition sociale obligatoire",
            "22/08/2026",
            "loi 2021-1104 art. 35",
        ),
    ]
    assert figure_rows(stored)[3][0] != "insertion_rate"


def test_the_trade_family_figure_shows_its_french_label_only():
    rows = figure_rows(
        {
            "family": {
                "value": None,
                "source": "green_spaces — Entretien des espaces verts",
                "label": "famille de métiers",
            }
        }
    )
    assert rows == [("famille de métiers", "", "Entretien des espaces verts")]


def test_rule_hint_and_kind_label():
    assert rule_number("R5-carve-out") == "R5" and rule_number("R2-obligation-2026") == "R2"
    assert kind_label("carve_out") == "Lot détaché" and kind_label("new_sector") == "Secteur nouveau"
