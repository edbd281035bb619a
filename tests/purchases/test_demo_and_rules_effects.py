"""Demo plan (real DECP rows), CPV suggestion, organisation overrides in the scan."""

import io
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings

from dentelle.purchases.cpv_suggest import suggest_cpv
from dentelle.purchases.demo import aubervilliers_operation, decp_plan, load_demo_plan, service_for
from dentelle.purchases.screening import LineItemFacts, LotFacts, screen_lot
from dentelle.rules import apply_overrides, default_rules

DECP = settings.DENTELLE_DATA_DIR / "decp" / "decp_2019_v1_marches.csv"


def test_demo_plan_reads_the_real_ile_de_france_rows():
    plan = decp_plan(DECP, 2027)
    assert plan.lot_count == 1507  # rows with ile_de_france_lieu = 1
    assert all(op.launch_date.year == 2027 for op in plan.operations)
    assert {op.service for op in plan.operations} >= {"DPMG", "DL", "DT"}


def test_service_assignment_by_cpv_and_words():
    assert service_for("80530000", "Formation") == "DFP"
    assert service_for("55523100", "Repas") == "DL"
    assert service_for("90919200", "Nettoyage des bureaux") == "DPMG"


def test_aubervilliers_operation_planting_is_a_reserved_small_lot():
    operation = aubervilliers_operation(2027)
    assert Decimal("105000000") < operation.amount < Decimal("115000000")
    facts = LotFacts(
        key="1",
        title=operation.title,
        cpv="45214400",
        nature="works",
        amount=operation.amount,
        market_amount=operation.amount,
        launch_date=operation.launch_date,
        department_codes=("93",),
        line_items=tuple(
            LineItemFacts(i.reference, i.description, i.cpv, i.amount) for i in operation.line_items
        ),
    )
    planting = next(f for f in screen_lot(facts) if f.subject == "ligne:08")
    assert planting.proposal["procedure"] == "adapted_small_lot"
    assert planting.proposal["reservation_kind"] == "siae"


@pytest.mark.django_db
def test_demo_step_is_idempotent(tmp_path, settings):
    from dentelle.accounts.demo import SERVICES, demo_organisation
    from dentelle.accounts.models import BuyerService
    from dentelle.purchases.models import Finding, Lot

    (tmp_path / "decp").mkdir()
    lines = DECP.read_text(encoding="utf-8").splitlines()
    keep = [lines[0]] + [line for line in lines[1:] if line.endswith(",1")][:40]
    (tmp_path / "decp" / "decp_2019_v1_marches.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    settings.DENTELLE_DATA_DIR = tmp_path
    organisation = demo_organisation()  # services only: creating the demo users (password hashing) is slow
    for name, code in SERVICES:
        BuyerService.objects.create(organisation=organisation, name=name, code=code)
    load_demo_plan(io.StringIO())
    lots, findings = Lot.objects.count(), Finding.objects.count()
    assert Finding.objects.filter(rule_id="R5-carve-out", subject="ligne:08").exists()
    out = io.StringIO()
    load_demo_plan(out)
    assert "déjà chargée" in out.getvalue()
    assert (Lot.objects.count(), Finding.objects.count()) == (lots, findings)


def info(code, label):
    return SimpleNamespace(code=code, label_fr=label)


def test_cpv_suggestion_is_high_only_when_label_and_family_agree():
    found = suggest_cpv(
        "Entretien des espaces verts",
        search=lambda text: [info("77310000", "Réalisation et entretien d'espaces verts")],
    )
    assert found["confidence"] == "haute" and found["code"] == "77310000"
    weak = suggest_cpv(
        "Entretien des espaces verts", search=lambda text: [info("50000000", "Services de réparation")]
    )
    assert weak["confidence"] == "faible"
    assert suggest_cpv("zzz", search=lambda text: []) is None


def test_an_organisation_override_changes_the_scan():
    facts = LotFacts(
        key="1",
        title="Collecte des déchets",
        cpv="90511000",
        nature="services",
        amount=Decimal("400000"),
        duration_months=24,
        launch_date=date(2027, 1, 1),
    )
    assert "R1-clause" not in {f.rule_id for f in screen_lot(facts)}
    rules = apply_overrides(
        default_rules(),
        [
            ("family.waste_collection.labour_share", "0.60", "Étude interne", "Région — test"),
            ("family.waste_collection.loaded_hourly_cost", "24", "Étude interne", "Région — test"),
        ],
    )
    clause = next(f for f in screen_lot(facts, rules) if f.rule_id == "R1-clause")
    assert clause.estimated_hours == 500  # 400,000 × 60 % × 5 % ÷ 24
    assert clause.figures_dict()["labour_share"]["source"] == "Étude interne"
