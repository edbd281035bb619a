"""The bulk plan import stores what the row-by-row import stored (issue 15, « jobs off the request »).

``legacy_import_plan`` below is the importer as it was before the bulk writes (commit b2789ca), kept here
as the reference only. Each scenario runs the same files through both, into two organisations with the
same services, and compares every stored field of plans, services, operations, lots, line items and sites
(in primary-key order, so the order of the rows is compared too), and the report: the same row problems
(line, column, reason) in the same order, the same counts.

The plan is real-shaped: the files of tests/data/purchases and a few hundred rows resampled from the real
DECP 2019 rows (as bench/bench_scan.py draws them), with services, repeated references and lot numbers,
procedures, planned measures, a « sites » sheet and line items.
"""

import csv
import io
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import ForeignKey
from django.test.utils import CaptureQueriesContext

from dentelle.accounts.models import BuyerService, Organisation
from dentelle.core.importing import ImportReport, run_import
from dentelle.purchases import importer
from dentelle.purchases.cpv_suggest import suggest_cpv
from dentelle.purchases.importer import (
    PlaceKind,
    find_service,
    import_plan,
    known_cpv_codes,
    procedure_of,
    resolve_lot_place,
)
from dentelle.purchases.models import LineItem, Lot, Operation, PurchasePlan, ReservationKind, Site
from dentelle.purchases.planfile import read_table_file

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "purchases"
SERVICES = ("DPMG", "DL", "DFP", "DESR")


# --- The reference: the row-by-row importer of commit b2789ca (unchanged but for its name) ------------


def legacy_import_plan(
    report,
    *,
    plan_data,
    organisation,
    service=None,
    plan_name="",
    year=None,
    source_file="",
    writable=None,
    create_services=True,
):
    from datetime import date

    year = year or plan_data.year or date.today().year + 1
    name = plan_name or plan_data.name or Path(source_file).stem or f"Programmation {year}"
    fields = {"year": year, "source_file": Path(source_file).name}
    plan, created = PurchasePlan.objects.get_or_create(organisation=organisation, name=name, defaults=fields)
    shared = writable is not None and plan.operations.exclude(buyer_service__in=writable).exists()
    if not created and not shared:
        for field, value in fields.items():
            setattr(plan, field, value)
        plan.save()
    place_cache = {}
    imported = {}
    for operation_data in plan_data.operations:
        first_line = operation_data.lots[0].line if operation_data.lots else None
        named = (operation_data.service or "").strip()
        buyer_service = find_service(
            organisation,
            named,
            report,
            first_line,
            default=service,
            create=create_services,
            writable=writable,
        )
        if buyer_service is None:
            if not named:
                report.error(
                    first_line, "direction/service", "service acheteur absent (colonne ou option --service)."
                )
            continue
        if buyer_service.organisation_id != organisation.pk or (
            writable is not None and not writable.filter(pk=buyer_service.pk).exists()
        ):
            report.error(
                first_line,
                "direction/service",
                "votre rôle ne permet pas d'écrire dans la programmation de ce service.",
            )
            continue
        if not operation_data.nature:
            report.error(
                first_line, "nature", "nature inconnue (travaux, services, fournitures) et CPV absent."
            )
            continue
        operation, created = Operation.objects.update_or_create(
            buyer_service=buyer_service,
            reference=operation_data.reference[:80],
            defaults={
                "plan": plan,
                "title": operation_data.title[:500],
                "description": operation_data.description,
                "nature": operation_data.nature,
                "estimated_amount": operation_data.amount,
                "duration_months": operation_data.duration_months,
                "renewals": operation_data.renewals,
                "planned_launch_date": operation_data.launch_date,
                "places_text": operation_data.places[:500],
            },
        )
        report.count("opérations créées" if created else "opérations mises à jour")
        imported[operation.reference] = operation
        for lot_data in operation_data.lots:
            _legacy_save_lot(operation, lot_data, place_cache, report)
        for item in operation_data.line_items:
            LineItem.objects.update_or_create(
                operation=operation,
                reference=item.reference[:40],
                defaults={"description": item.description[:500], "cpv_code": item.cpv, "amount": item.amount},
            )
            report.count("lignes d'estimation")
    if plan_data.site_records:
        from dentelle.purchases.allotment_sites import import_site_rows
        from dentelle.purchases.allotment_supply import resolver
        from dentelle.purchases.sitefile import rows_from_records

        errors = len(report.errors)
        rows = rows_from_records(plan_data.site_records, report, resolver())
        for problem in report.errors[errors:]:
            problem.column = f"sites : {problem.column}"
        import_site_rows(rows, imported, report)
    return plan


def _known_cpv(code):
    codes = known_cpv_codes()
    return codes is None or code in codes


def _legacy_save_lot(operation, lot_data, place_cache, report):
    if lot_data.cpv and not _known_cpv(lot_data.cpv):
        report.warning(
            lot_data.line, "code CPV", f"code CPV {lot_data.cpv} inconnu du référentiel CPV 2008 : ignoré."
        )
        lot_data.cpv = ""
    key = (lot_data.place, lot_data.place_code, lot_data.place_kind_hint)
    place = place_cache.get(key)
    if place is None:
        place = place_cache[key] = resolve_lot_place(*key)
    if lot_data.place and not place.kind:
        report.warning(lot_data.line, "lieu d'exécution", f"lieu « {lot_data.place} » non reconnu.")
    defaults = {
        "title": lot_data.title[:500],
        "cpv_code": lot_data.cpv,
        "additional_cpv_codes": lot_data.additional_cpv,
        "estimated_amount": lot_data.amount,
        "annual_amount": lot_data.annual_amount,
        "duration_months": lot_data.duration_months,
        "place_text": lot_data.place[:300],
        "place_kind": place.kind if place.kind in PlaceKind.values else "",
        "place_code": place.code[:12],
        "department_codes": place.department_codes,
        "region_code": place.region_code,
        "sites_count": lot_data.sites_count,
        "procedure": procedure_of(lot_data.procedure),
        "transferred_staff_monthly_hours": lot_data.transferred_staff_monthly_hours,
    }
    planned = {
        "clause_hours": lot_data.clause_hours,
        "reservation_kind": lot_data.reservation_kind,
        "social_award_criterion": lot_data.social_award_criterion or None,
        "insertion_market": lot_data.insertion_market or None,
    }
    lot, created = Lot.objects.get_or_create(
        operation=operation, number=lot_data.number[:20], defaults=defaults
    )
    if not created:
        for name, value in defaults.items():
            setattr(lot, name, value)
    for name, value in planned.items():
        if value:
            setattr(lot, name, value)
    lot.save()
    report.count("lots")
    if lot_data.cpv_suggestion and not lot_data.cpv:
        report.count("CPV à confirmer")
    return lot


# --- The real-shaped plan ------------------------------------------------------------------------------

HEADER = [
    "Référence",
    "Objet",
    "Code CPV",
    "Montant estimé HT",
    "Durée (mois)",
    "Lieu d'exécution",
    "Code lieu",
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


def decp_rows():
    """The real DECP 2019 rows with an 8-digit CPV (as bench/bench_scan.py reads them)."""
    path = Path(settings.DENTELLE_DATA_DIR) / "decp" / "decp_2019_v1_marches.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if len(r["code_cpv8"] or "") == 8]


def clean(text):
    return " ".join((text or "").replace("<br />", " ").replace(";", ",").split())[:200] or "Sans objet"


def decp_plan_csv(count, seed, amount_factor=1):
    """A plan of ``count`` rows drawn with replacement from the real DECP rows, with services,
    operations of several lots (a reference met again, sometimes with a lot number met again),
    procedures and planned measures; ``amount_factor`` changes the amounts (a re-import)."""
    rng = random.Random(seed)
    rows = decp_rows()
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
    return problems, report.counts


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
            report, committed = run_import(
                function,
                wet_run=wet_run,
                report=report,
                strict=strict,
                plan_data=plan_data,
                organisation=org,
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
            run_import(
                import_plan,
                wet_run=True,
                report=report,
                strict=False,
                plan_data=plan_data,
                organisation=two_organisations[1],
                service=default_service(two_organisations[1]),
                plan_name="Comptée",
            )
        assert report.counts["lots"] == lots > 550
        assert ("opérations créées" in report.counts) is first
        # 6 chunks × (operations read, lots and line items read, inserts or updates by batches) + services.
        assert len(queries) < 80, len(queries)
