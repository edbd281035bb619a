"""Write a parsed plan (``plan_data.PlanData``) into the database, idempotently.

Operations are keyed by (service, reference), lots by (operation, number), line items by
(operation, reference): re-importing updates them in place, so findings and decisions survive.
"""

import sys
from pathlib import Path

from django.db import transaction
from django.db.models import prefetch_related_objects

from dentelle.purchases.allotment_sites import import_site_rows
from dentelle.purchases.models import PurchasePlan
from dentelle.purchases.places import resolve_lot_place
from dentelle.purchases.plan_data import plan_year
from dentelle.purchases.plan_services import ServiceResolver, check_refused_services
from dentelle.purchases.plan_writer import CHUNK_OPERATIONS, BulkWriter
from dentelle.purchases.sitefile import rows_from_records
from dentelle.referentials.index import get_index


def import_plan(
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
    """Importer for ``run_import``: writes ``plan_data``; reports problems on ``report``.

    ``writable`` (services the user may write, None = all of ``organisation``) and ``create_services``
    bound what a file may touch: see ``find_service``.

    Writes in bulk, ``CHUNK_OPERATIONS`` operations at a time: services are looked up once per distinct
    text, the operations, lots and line items already stored are read once per chunk, then the new ones
    are inserted and the others updated by batches. The outcome is the one of saving the rows one by one
    in the file's order (same objects, same values, same row problems in the same order): a row met
    again (same service and reference, same lot number) updates what an earlier row wrote."""
    if report.rows is None:  # the import's log line: lots read
        report.rows = plan_data.lot_count
    name = plan_name or plan_data.name or Path(source_file).stem
    year, _source = plan_year(name, plan_data.year, year)  # « Programmation 2028 » is a 2028 plan
    name = name or f"Programmation {year}"
    fields = {"year": year, "source_file": Path(source_file).name}
    plan, created = PurchasePlan.objects.get_or_create(organisation=organisation, name=name, defaults=fields)
    if not created and not keeps_its_year(plan, writable):
        for field, value in fields.items():
            setattr(plan, field, value)
        plan.save()
    check_refused_services(
        report, plan_data=plan_data, organisation=organisation, writable=writable, create=create_services
    )
    services = ServiceResolver(organisation, service, writable, create_services)
    writer = BulkWriter(plan, report, known_cpv_codes())
    keep = bool(plan_data.site_records)
    imported = {}
    operations = plan_data.operations
    for start in range(0, len(operations), CHUNK_OPERATIONS):
        chunk = [(data, services.resolve(data)) for data in operations[start : start + CHUNK_OPERATIONS]]
        with transaction.atomic(savepoint=False):  # run_import's transaction; one of its own if called bare
            written = writer.write(chunk)
        for operation in written:
            if keep:
                imported[operation.reference] = operation
    if writer.written:
        _lot_index_changed()
    if plan_data.site_records:
        _import_sites(plan_data.site_records, imported, report)
    return plan


def keeps_its_year(plan, writable):
    """Whether a stored plan keeps its year and file on import: when it holds operations of services
    the importing user may not write (``writable``; None: all, as on the command line)."""
    return writable is not None and plan.operations.exclude(buyer_service__in=writable).exists()


def import_outcome(organisation, name, declared=None, chosen=None, writable=None):
    """What the preview says before an import into the plan ``name``: (stored plan or None, its year
    after the import, where the year comes from: "chosen", "name", "file", "default" or "kept")."""
    plan = PurchasePlan.objects.filter(organisation=organisation, name=name).first()
    if plan is not None and keeps_its_year(plan, writable):
        return plan, plan.year, "kept"
    year, source = plan_year(name, declared, chosen)
    return plan, year, source


def _lot_index_changed():
    """Bulk writes send no ``post_save``: tell the open-lot cache (when loaded) that lots changed."""
    lot_index = sys.modules.get("dentelle.matching.lot_index")
    if lot_index is not None:
        lot_index.invalidate_lot_index()


def _import_sites(records, operations, report):
    """The « sites » sheet: rows checked like a site file (line, column, reason), then saved."""
    from dentelle.purchases.allotment_supply import resolver  # lazy: loads HiGHS, for site sheets only

    errors = len(report.errors)
    rows = rows_from_records(records, report, resolver())
    for problem in report.errors[errors:]:
        problem.column = f"sites : {problem.column}"
    # The lots of the operations the rows name, read once (import_site_rows reads them per row).
    named = {row.operation for row in rows} | ({next(iter(operations))} if len(operations) == 1 else set())
    prefetch_related_objects([operations[ref] for ref in named if ref in operations], "lots")
    import_site_rows(rows, operations, report)


def known_cpv_codes():
    """The CPV 2008 codes of the referential, or None when it is not loaded (then nothing is checked)."""
    return get_index().cpv_codes or None  # an empty index: the referentials are not loaded


def drop_unknown_cpv(plan_data, report):
    """Clear CPV codes absent from the referential (test records such as « 12345678 »), with a warning."""
    codes = known_cpv_codes()
    if codes is None:
        return 0
    cleared = 0
    for operation in plan_data.operations:
        for lot in operation.lots:
            if lot.cpv and lot.cpv not in codes:
                report.warning(
                    lot.line, "code CPV", f"code CPV {lot.cpv} inconnu du référentiel CPV 2008 : ignoré."
                )
                lot.cpv = ""
                cleared += 1
    return cleared


def preview_warnings(plan_data, report):
    """The row checks the import makes while saving, made before it (upload preview, dry runs):
    unknown CPV codes are cleared with a warning, operations without a nature and unrecognised
    places are reported, so the preview shows what the import will say. Nothing is written."""
    drop_unknown_cpv(plan_data, report)
    place_cache = {}
    for operation_data in plan_data.operations:
        if not operation_data.nature:
            first_line = operation_data.lots[0].line if operation_data.lots else None
            report.error(
                first_line, "nature", "nature inconnue (travaux, services, fournitures) et CPV absent."
            )
        for lot_data in operation_data.lots:
            key = (lot_data.place, lot_data.place_code, lot_data.place_kind_hint)
            if not lot_data.place:
                continue
            if key not in place_cache:
                place_cache[key] = resolve_lot_place(*key)
            if not place_cache[key].kind:
                report.warning(lot_data.line, "lieu d'exécution", f"lieu « {lot_data.place} » non reconnu.")
