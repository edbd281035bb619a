"""The jobs of purchase plans: import a plan file sent through the page, scan a stored plan, export its
report. Each step runs in its own transaction(s), progress is written between them: a plan import is one
transaction (all or nothing, as on the command line), its scan one transaction per chunk of operations
(a chunk scanned is kept; scanning again redoes the rest and keeps the decisions).
"""

from django.conf import settings
from django.urls import reverse

from dentelle.accounts.models import BuyerService
from dentelle.core.formatting import grouped_int
from dentelle.core.importing import ImportReport, run_import
from dentelle.core.logs import log_export
from dentelle.core.permissions import can_create_services, writable_services
from dentelle.core.spreadsheet import MAX_COLUMNS, MAX_UNCOMPRESSED_BYTES, Limits
from dentelle.jobs.handlers import EXPORT_TYPES, handles
from dentelle.jobs.models import JobKind
from dentelle.jobs.services import JobError, input_of, store_output
from dentelle.purchases.cpv_suggest import suggest_cpv
from dentelle.purchases.importer import import_plan
from dentelle.purchases.models import Lot, Operation, PurchasePlan
from dentelle.purchases.permissions import visible_operations, visible_plans
from dentelle.purchases.plan_columns import user_mapping
from dentelle.purchases.plan_data import PlanFileError
from dentelle.purchases.planfile import read_table_file
from dentelle.purchases.queries import plan_report
from dentelle.purchases.report import json_bytes, xlsx_report
from dentelle.purchases.services import scan_operations
from dentelle.purchases.supply import make_supply

SCAN_CHUNK_OPERATIONS = 2000
MAX_LISTED_ERRORS = 20


def job_limits():
    """Rows and workbook size a plan sent through the page may have when the worker reads it."""
    # Sheet XML takes about 1.5 kB a row (core.spreadsheet: 30 MB for 20,000 rows): bound the archive by it.
    uncompressed = max(MAX_UNCOMPRESSED_BYTES, 1500 * settings.DENTELLE_PLAN_MAX_ROWS)
    return Limits(settings.DENTELLE_PLAN_MAX_ROWS, uncompressed, MAX_COLUMNS)


def scan_stored_plan(plan, progress, counted=None):
    """Scan every operation of ``plan`` in chunks (one transaction each), showing lots done / lots.

    ``counted``: the operations (a queryset) whose lots and findings the counts returned add up, e.g.
    those the user sees (None: all); the others are scanned all the same."""
    total = Lot.objects.filter(operation__plan=plan).count()
    progress.step("Préparation du balayage (annuaire des structures)", total=total)
    supply = make_supply()
    progress.step("Balayage des lots", total=total)
    ids = Operation.objects.filter(plan=plan).order_by("pk").values_list("pk", flat=True)
    shown = set(ids if counted is None else ids.filter(pk__in=counted.values("pk")))
    groups = ([pk for pk in ids if pk in shown], [pk for pk in ids if pk not in shown])
    counts = {"lots": 0, "findings": 0, "kept_decisions": 0}
    for group, counts_it in zip(groups, (True, False), strict=True):
        for start in range(0, len(group), SCAN_CHUNK_OPERATIONS):
            done = _scan_chunk(group[start : start + SCAN_CHUNK_OPERATIONS], supply)
            if counts_it:
                for key in counts:
                    counts[key] += done[key]
            progress.advance(done["lots"])
    progress.flush()
    return counts


def _scan_chunk(ids, supply):
    operations = (
        Operation.objects.filter(pk__in=ids)
        .order_by("pk")
        .select_related("buyer_service__organisation")
        .prefetch_related("lots__findings", "line_items")
    )
    return scan_operations(operations, supply)


def _user_scope(job):
    user = job.created_by
    if user is None or not user.is_active:
        raise JobError("Le compte qui a demandé ce travail n'existe plus ou est désactivé.")
    writable = writable_services(user, BuyerService.objects.all()).filter(organisation=job.organisation)
    return user, writable, can_create_services(user)


@handles(JobKind.PLAN_IMPORT)
def plan_import(job, progress):
    user, writable, create = _user_scope(job)
    params = job.params
    name, data = input_of(job)
    progress.step(f"Lecture du fichier {name}")
    report = ImportReport(source=name)
    mapping = None
    if params.get("mapping"):
        choices = {int(k): v for k, v in params["mapping"].items()}
        mapping = user_mapping(choices, max(choices) + 1)
    try:
        plan_data = read_table_file(data, name, report, suggest_cpv, mapping=mapping, limits=job_limits())
    except PlanFileError as exc:
        raise JobError(str(exc)) from None
    lots = report.rows = sum(len(op.lots) for op in plan_data.operations)
    progress.step(f"Enregistrement de {grouped_int(lots)} lots", total=lots)
    service = writable.filter(pk=params.get("service") or 0).first()
    report, committed = run_import(
        import_plan,
        wet_run=True,
        report=report,
        plan_data=plan_data,
        organisation=job.organisation,
        service=service,
        plan_name=params["plan_name"],
        year=params.get("year"),
        source_file=name,
        writable=writable,
        create_services=create,
    )
    if not committed:
        problems = [str(problem) for problem in report.errors[:MAX_LISTED_ERRORS]]
        more = len(report.errors) - len(problems)
        raise JobError(
            "Import annulé : corriger le fichier et le déposer à nouveau.\n"
            + "\n".join(problems)
            + (f"\n… et {more} autres erreurs." if more > 0 else "")
        )
    progress.advance(lots)
    plan = visible_plans(user).filter(organisation=job.organisation, name=params["plan_name"]).first()
    if plan is None:
        return {"message": "Import enregistré, mais aucune opération n'est visible avec votre rôle."}
    counts = scan_stored_plan(plan, progress, counted=visible_operations(user).filter(plan=plan))
    return {
        "message": import_message(report.counts, counts),
        "url": reverse("purchases:plan", args=[plan.pk]),
        "plan": plan.pk,
        **counts,
        "warnings": len(report.warnings),
    }


def import_message(imported, scanned):
    """The job's result: what the file changed (its lots and operations), then what the scan found in
    the plan's lots the user sees (a buyer: its services' only)."""
    created, updated = imported.get("opérations créées", 0), imported.get("opérations mises à jour", 0)
    changes = [
        f"{grouped_int(n)} opération{_s(n)} {words}"
        for n, words in ((created, f"créée{_s(created)}"), (updated, f"mise{_s(updated)} à jour"))
        if n
    ]
    lots, findings, file_lots = scanned["lots"], scanned["findings"], imported.get("lots", 0)
    return (
        f"Import enregistré : {grouped_int(file_lots)} lot{_s(file_lots)} du fichier"
        + (f" ({', '.join(changes)})" if changes else "")
        + f". Balayage : {grouped_int(lots)} lot{_s(lots)} de la programmation visible{_s(lots)} avec votre "
        f"rôle, {grouped_int(findings)} proposition{_s(findings)}."
    )


def scan_message(counts):
    """« Balayage refait : 1 lot, 2 propositions, 0 décision conservée. »"""
    lots, findings, kept = counts["lots"], counts["findings"], counts["kept_decisions"]
    return (
        f"Balayage refait : {grouped_int(lots)} lot{_s(lots)}, {grouped_int(findings)} proposition{_s(findings)}, "
        f"{grouped_int(kept)} décision{_s(kept)} conservée{_s(kept)}."
    )


def _s(count):
    """The plural mark of a French count: « 1 lot », « 2 lots » (« 0 lot », as French writes it)."""
    return "s" if count > 1 else ""


@handles(JobKind.PLAN_SCAN)
def plan_scan(job, progress):
    plan = PurchasePlan.objects.filter(pk=job.params.get("plan")).first()
    if plan is None:
        raise JobError("Cette programmation n'existe plus.")
    counts = scan_stored_plan(plan, progress)
    return {
        "message": scan_message(counts),
        "url": reverse("purchases:plan", args=[plan.pk]),
        "plan": plan.pk,
        **counts,
    }


@handles(JobKind.PLAN_EXPORT)
def plan_export(job, progress):
    user, fmt = job.created_by, job.params.get("format")
    if user is None or not user.is_active:
        raise JobError("Le compte qui a demandé ce travail n'existe plus ou est désactivé.")
    plan = visible_plans(user).filter(pk=job.params.get("plan")).first()
    if plan is None or fmt not in EXPORT_TYPES:
        raise JobError("Cette programmation n'existe plus ou ne vous est plus visible.")
    progress.step("Lecture des lots et des propositions")
    report = plan_report(plan, user)
    for entry in report["lots"]:
        entry.pop("all_findings", None)
    progress.step(f"Écriture du fichier {fmt.upper()} ({len(report['lots'])} lots)")
    data = json_bytes(report) if fmt == "json" else xlsx_report(report)
    store_output(job, f"programmation-{plan.pk}.{fmt}", data, EXPORT_TYPES[fmt])
    log_export(user, "programmation", len(report["lots"]), fmt, job=job.pk)
    size = f"{len(data) / 1e6:.1f}".replace(".", ",")
    return {
        "message": f"Export prêt : {grouped_int(len(report['lots']))} lots, {size} Mo.",
        "url": reverse("jobs:download", args=[job.pk]),
    }
