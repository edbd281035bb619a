"""The bulk plan import stores what the row-by-row import stored (issue 15, « jobs off the request »).

``legacy_import_plan`` (tests/purchases/legacy_plan_import.py) is the importer as it was before the bulk
writes (commit b2789ca), kept as the reference only. Each scenario runs the same files through both, into two organisations with the
same services, and compares every stored field of plans, services, operations, lots, line items and sites
(in primary-key order, so the order of the rows is compared too), and the report: the same row problems
(line, column, reason) in the same order, the same counts.

The plan is real-shaped (tests/purchases/real_shaped_plan.py): the files of tests/data/purchases and a few
hundred rows resampled from the real DECP 2019 rows, with services, repeated references and lot numbers,
procedures, planned measures, a « sites » sheet and line items.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import ForeignKey
from django.test.utils import CaptureQueriesContext

from dentelle.accounts.models import BuyerService, Organisation
from dentelle.purchases import importer
from dentelle.purchases.importer import import_plan
from dentelle.purchases.models import LineItem, Lot, Operation, PurchasePlan, ReservationKind, Site
from tests.purchases.legacy_plan_import import legacy_import_plan
from tests.purchases.plan_imports import run_plan_import
from tests.purchases.real_shaped_plan import plan_files, read

pytestmark = pytest.mark.django_db

SERVICES = ("DPMG", "DL", "DFP", "DESR")


# --- Comparing what each importer stored ----------------------------------------------------------------

SKIPPED = {"id", "created_at", "updated_at"}


def _values(obj, names):
    out = []
    for field in obj._meta.concrete_fields:
        if field.name in SKIPPED or field.name in names:
            continue
        if isinstance(field, ForeignKey):
            continue  # named through its natural key below
        out.append((field.name, getattr(obj, field.attname)))
    return out


def stored(organisation):
    """Everything the import writes for ``organisation``, natural keys instead of primary keys."""
    operations = Operation.objects.filter(buyer_service__organisation=organisation)
    op_key = {
        op.pk: (op.buyer_service.code, op.reference) for op in operations.select_related("buyer_service")
    }
    lots = Lot.objects.filter(operation__in=operations).order_by("pk")
    lot_key = {lot.pk: (op_key[lot.operation_id], lot.number) for lot in lots}
    return {
        "plans": [
            (p.name, p.year, p.source_file) for p in PurchasePlan.objects.filter(organisation=organisation)
        ],
        "services": sorted((s.name, s.code) for s in BuyerService.objects.filter(organisation=organisation)),
        "operations": [
            (op_key[op.pk], op.plan.name if op.plan else None, _values(op, ()))
            for op in operations.select_related("plan").order_by("pk")
        ],
        "lots": [(lot_key[lot.pk], _values(lot, ())) for lot in lots],
        "line_items": [
            (op_key[item.operation_id], lot_key.get(item.carved_out_lot_id), _values(item, ()))
            for item in LineItem.objects.filter(operation__in=operations).order_by("pk")
        ],
        "sites": [
            (op_key[site.operation_id], lot_key.get(site.lot_id), _values(site, ()))
            for site in Site.objects.filter(operation__in=operations).order_by("pk")
        ],
    }


def outcome(report, organisation):
    """The report with the organisation's name taken out of the messages (they name it)."""
    problems = [
        (p.line, p.column, p.reason.replace(str(organisation), "ORG"), p.blocking) for p in report.problems
    ]
    return problems, dict(report.counts)


@pytest.fixture
def two_organisations(db, referentials_loaded):
    orgs = []
    for name in ("Région Ancienne", "Région Nouvelle"):
        org = Organisation.objects.create(name=name, region_code="11")
        for code in SERVICES:
            BuyerService.objects.create(organisation=org, name=f"Direction {code}", code=code)
        orgs.append(org)
    return orgs


def run_both(orgs, files, plan_name="Programmation 2027", wet_run=True, strict=False, **options):
    """Import ``files`` with the legacy importer into orgs[0] and the bulk one into orgs[1]; returns the
    two outcomes (report problems and counts) per file."""
    outcomes = ([], [])
    for k, (function, org) in enumerate(zip((legacy_import_plan, import_plan), orgs, strict=True)):
        for name, data, with_sites in files:
            plan_data, report = read(name, data, with_sites)
            extra = {key: value(org) if callable(value) else value for key, value in options.items()}
            report, committed = run_plan_import(
                plan_data,
                report,
                org,
                importer=function,
                wet_run=wet_run,
                strict=strict,
                plan_name=plan_name,
                source_file=name,
                **extra,
            )
            outcomes[k].append((outcome(report, org), committed))
    return outcomes


def assert_same(orgs):
    old, new = stored(orgs[0]), stored(orgs[1])
    for key in old:
        assert new[key] == old[key], key


def default_service(org):
    return BuyerService.objects.get(organisation=org, code="DL")


# --- Scenarios --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_fresh_import_stores_what_the_row_by_row_import_stored(two_organisations, monkeypatch):
    monkeypatch.setattr(importer, "CHUNK_OPERATIONS", 40)  # rows met again across chunks too
    files = plan_files()
    old, new = run_both(two_organisations, files, service=default_service)
    assert new == old
    assert_same(two_organisations)
    stored_new = stored(two_organisations[1])
    # The comparison is not vacuous: the scenario wrote and reported what it means to test.
    assert len(stored_new["lots"]) > 280 and len(stored_new["operations"]) > 200
    assert len(stored_new["line_items"]) == 2 and len(stored_new["sites"]) == 2
    problems, counts = new[-1][0]
    assert counts["opérations mises à jour"] > 0 and counts["services créés"] == 1
    reasons = " ".join(p[2] for p in problems)
    assert "inconnu du référentiel CPV 2008" in reasons and "« Zzyzx-sur-Rien » non reconnu" in reasons
    assert "absente de la programmation importée" in reasons and "nom du site manquant" in reasons
    assert (
        Lot.objects.filter(operation__buyer_service__organisation=two_organisations[1])
        .exclude(reservation_kind="")
        .exists()
    )


@pytest.mark.slow
def test_a_reimport_updates_in_place_and_keeps_the_decisions_like_the_row_by_row_import(two_organisations):
    run_both(two_organisations, plan_files(), service=default_service)
    for org in two_organisations:  # the same decisions taken in Dentelle on both sides
        lots = Lot.objects.filter(operation__buyer_service__organisation=org).order_by("pk")
        for k, lot in enumerate(lots[:60]):
            lot.reservation_kind = ReservationKind.SIAE if k % 2 else ReservationKind.DISABILITY
            lot.has_employment_condition = k % 3 == 0
            lot.territorial_split = [{"label": "secteur 1", "amount": "10", "sites": 1}] if k % 4 == 0 else []
            lot.obligation_exception_code = "other" if k % 5 == 0 else ""
            lot.clause_hours = 700 if k % 7 == 0 else lot.clause_hours
            lot.save()
        Operation.objects.filter(buyer_service__organisation=org, reference="R3").update(status="launched")
    kept = {
        (lot.operation.buyer_service.code, lot.operation.reference, lot.number): lot.pk
        for lot in Lot.objects.filter(operation__buyer_service__organisation=two_organisations[1])
    }
    stamped = {
        pk: updated
        for pk, updated in Lot.objects.filter(pk__in=kept.values()).values_list("pk", "updated_at")
    }
    # The same plan again with other amounts and 150 more rows: updates, additions, the sites replaced.
    old, new = run_both(two_organisations, plan_files(450, 42, Decimal("1.1")), service=default_service)
    assert new == old
    assert_same(two_organisations)
    after = {
        (lot.operation.buyer_service.code, lot.operation.reference, lot.number): lot.pk
        for lot in Lot.objects.filter(operation__buyer_service__organisation=two_organisations[1])
    }
    assert all(after[key] == pk for key, pk in kept.items())  # updated in place: findings stay attached
    touched = Lot.objects.filter(pk__in=kept.values()).values_list("pk", "updated_at")
    assert all(updated > stamped[pk] for pk, updated in touched)  # « modifié le » follows, as save() did
    assert LineItem.objects.filter(amount=Decimal("13200000")).count() == 2
    counts = new[-1][0][1]
    assert counts["opérations mises à jour"] > 200 and counts["opérations créées"] > 50


def test_a_restricted_user_gets_the_same_row_errors_and_nothing_else_changes(two_organisations):
    def writable(org):
        return BuyerService.objects.filter(organisation=org, code__in=["DL", "DPMG"])

    files = plan_files(200, 7, sites=False)
    old, new = run_both(two_organisations, files, writable=writable, create_services=False, strict=False)
    assert new == old
    assert_same(two_organisations)
    reasons = " ".join(p[2] for (problems, _counts), _ in new for p in problems)
    assert "seuls la direction et les chargés des achats peuvent créer un service" in reasons
    assert "votre rôle ne permet pas d'écrire dans la programmation de ce service" in reasons
    # Strict (the page's job): a file with errors writes nothing, with the same report.
    old, new = run_both(two_organisations, files, plan_name="Strict", writable=writable, strict=True)
    assert new == old and not new[-1][1]  # the DECP file has errors: nothing of it is kept
    assert_same(two_organisations)
    assert not Operation.objects.filter(plan__name="Strict", reference__startswith="R").exists()


def test_a_dry_run_writes_nothing_and_reports_the_same(two_organisations):
    old, new = run_both(two_organisations, plan_files(100, 3), wet_run=False, service=default_service)
    assert new == old
    assert not Operation.objects.exists() and not PurchasePlan.objects.exists()
    assert BuyerService.objects.count() == 2 * len(SERVICES)


def test_the_bulk_import_makes_a_bounded_number_of_queries(two_organisations, monkeypatch):
    """About 5 queries a row before; now per chunk of operations and per distinct service, for a
    first import as for a re-import (updates)."""
    monkeypatch.setattr(importer, "CHUNK_OPERATIONS", 100)
    _name, data, _ = plan_files(600, 11, sites=False)[-1]
    for first in (True, False):
        plan_data, report = read("decp.csv", data, False)
        lots = plan_data.lot_count
        with CaptureQueriesContext(connection) as queries:
            run_plan_import(
                plan_data,
                report,
                two_organisations[1],
                strict=False,
                service=default_service(two_organisations[1]),
                plan_name="Comptée",
            )
        assert report.counts["lots"] == lots > 550
        assert ("opérations créées" in report.counts) is first
        # 6 chunks × (operations read, lots and line items read, inserts or updates by batches) + services.
        assert len(queries) < 80, len(queries)
