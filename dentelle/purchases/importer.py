"""Write a parsed plan (``planfile.PlanData``) into the database, idempotently.

Operations are keyed by (service, reference), lots by (operation, number), line items by
(operation, reference): re-importing updates them in place, so findings and decisions survive.
"""

import sys
from datetime import date
from pathlib import Path

from django.db import connections, router, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from dentelle.accounts.models import BuyerService, Organisation
from dentelle.purchases.models import LineItem, Lot, Operation, PlaceKind, Procedure, PurchasePlan
from dentelle.purchases.places import resolve_lot_place

PROCEDURE_WORDS = [
    ("petits lots", Procedure.ADAPTED_SMALL_LOT),
    ("insertion", Procedure.INSERTION_MARKET),
    ("adapt", Procedure.ADAPTED),
    ("mapa", Procedure.ADAPTED),
    ("appel d'offres", Procedure.FORMALISED),
    ("négoci", Procedure.FORMALISED),
    ("dialogue", Procedure.FORMALISED),
    ("sans publicité", Procedure.NO_PROCEDURE),
]


def procedure_of(text):
    lowered = (text or "").lower()
    if lowered in Procedure.values:
        return lowered
    return next((value for word, value in PROCEDURE_WORDS if word in lowered), "")


def find_organisation(name):
    if not name:
        return None
    return Organisation.objects.filter(name__iexact=name).first()


def find_service(organisation, text, report, line, default=None, create=True, writable=None, preview=False):
    """The buyer service a row names, looked up in ``organisation`` only.

    ``writable``: the services the importing user may write (None: all of the organisation, e.g. the
    CLI); a row naming another one is a row error. ``create``: whether an unknown service may be
    created (a warning says so; ``preview`` only announces it). Returns None after reporting an error.
    """
    text = (text or "").strip()
    if not text:
        return default
    service = (
        BuyerService.objects.filter(organisation=organisation, code__iexact=text).first()
        or BuyerService.objects.filter(organisation=organisation, name__iexact=text).first()
    )
    if service is not None:
        if writable is not None and not writable.filter(pk=service.pk).exists():
            report.error(
                line,
                "direction/service",
                f"service « {text} » : votre rôle ne permet pas d'écrire dans la programmation de ce service.",
            )
            return None
        return service
    if not create:
        report.error(
            line,
            "direction/service",
            f"service « {text} » inconnu dans {organisation} : seuls la direction et les chargés des achats "
            "peuvent créer un service ; corriger la colonne ou choisir un service existant.",
        )
        return None
    if preview:
        report.warning(
            line,
            "direction/service",
            f"service « {text} » inconnu : il sera créé dans {organisation} à la confirmation de l'import.",
        )
        return None
    service = BuyerService.objects.create(organisation=organisation, name=text[:200], code=text[:40])
    report.warning(line, "direction/service", f"service « {text} » inconnu : créé dans {organisation}.")
    report.count("services créés")
    return service


def check_services(report, *, plan_data, organisation, writable=None, create=True):
    """Preview: report, without writing, the rows whose service is out of reach or would be created."""
    announced = set()
    for operation_data in plan_data.operations:
        text = (operation_data.service or "").strip()
        if not text or text.lower() in announced:
            continue
        announced.add(text.lower())
        first_line = operation_data.lots[0].line if operation_data.lots else None
        find_service(organisation, text, report, first_line, create=create, writable=writable, preview=True)


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
    year = year or plan_data.year or date.today().year + 1
    name = plan_name or plan_data.name or Path(source_file).stem or f"Programmation {year}"
    fields = {"year": year, "source_file": Path(source_file).name}
    plan, created = PurchasePlan.objects.get_or_create(organisation=organisation, name=name, defaults=fields)
    shared = writable is not None and plan.operations.exclude(buyer_service__in=writable).exists()
    if not created and not shared:  # a plan holding other services' operations keeps its year and file
        for field, value in fields.items():
            setattr(plan, field, value)
        plan.save()
    services = _Services(organisation, service, writable, create_services)
    writer = _BulkWriter(plan, report, known_cpv_codes())
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


CHUNK_OPERATIONS = 2000  # operations read and written together (memory stays flat on 100,000 rows)
BATCH = 500  # rows per INSERT / UPDATE statement (SQLite: Django lowers it to its 999-parameter limit)
IN_CHUNK = 900  # values per « IN (…) » lookup (SQLite's parameter limit)

OPERATION_FIELDS = [
    "plan",
    "title",
    "description",
    "nature",
    "estimated_amount",
    "duration_months",
    "renewals",
    "planned_launch_date",
    "places_text",
]
LOT_FIELDS = [
    "title",
    "cpv_code",
    "additional_cpv_codes",
    "estimated_amount",
    "annual_amount",
    "duration_months",
    "place_text",
    "place_kind",
    "place_code",
    "department_codes",
    "region_code",
    "sites_count",
    "procedure",
    "transferred_staff_monthly_hours",
    "clause_hours",
    "reservation_kind",
    "social_award_criterion",
    "insertion_market",
]
LINE_ITEM_FIELDS = ["description", "cpv_code", "amount"]


class _Services:
    """The buyer service of each operation, as ``find_service`` and the write check decide it, looked
    up once per distinct text; the row problems it raises are kept to be reported in the row order."""

    def __init__(self, organisation, default, writable, create):
        self.organisation, self.default, self.writable, self.create = organisation, default, writable, create
        self.by_text = {}  # text → (service or None, its problems), as find_service answered
        self.may_write = {}  # service pk → bool

    def resolve(self, data):
        """(service or None, [(kind, column, reason)]) for an ``OperationData``."""
        named = (data.service or "").strip()
        if not named:
            service, problems = self.default, []
        else:
            service, problems = self._named(named)
            problems = list(problems)  # the remembered ones stay as they are
        if service is None:
            if not named and not problems:
                problems.append(
                    ("error", "direction/service", "service acheteur absent (colonne ou option --service).")
                )
            return None, problems
        if service.organisation_id != self.organisation.pk or not self._writable(service):
            problems.append(
                (
                    "error",
                    "direction/service",
                    "votre rôle ne permet pas d'écrire dans la programmation de ce service.",
                )
            )
            return None, problems
        return service, problems

    def _writable(self, service):
        if self.writable is None:
            return True
        if service.pk not in self.may_write:
            self.may_write[service.pk] = self.writable.filter(pk=service.pk).exists()
        return self.may_write[service.pk]

    def _named(self, text):
        """``find_service`` once per text: its outcome (and its row problems) is reused for every row
        naming the same text, but for a service it just created (then the next row finds it)."""
        known = self.by_text.get(text)
        if known is not None:
            return known
        problems = _Problems()
        service = find_service(
            self.organisation, text, problems, None, create=self.create, writable=self.writable
        )
        if not any(kind == "count" for kind, _column, _reason in problems):
            self.by_text[text] = service, problems
        return service, problems


class _Problems(list):
    """A report that keeps (kind, column, reason), to be reported later on each row concerned."""

    def error(self, _line, column, reason):
        self.append(("error", column, reason))

    def warning(self, _line, column, reason):
        self.append(("warning", column, reason))

    def count(self, key, n=1):
        self.append(("count", key, n))


class _BulkWriter:
    """Writes chunks of operations with their lots and line items: one read of what is stored, then
    batched inserts and updates. ``written``: whether anything was written."""

    def __init__(self, plan, report, cpv_codes):
        self.plan, self.report, self.cpv_codes = plan, report, cpv_codes
        self.places = {}
        self.written = False

    def write(self, chunk):
        """Save a chunk of (OperationData, (service, problems)); returns its operations in row order."""
        report = self.report
        wanted = {}
        for data, (service, _problems) in chunk:
            if service is not None and data.nature:
                wanted.setdefault(service.pk, set()).add(data.reference[:80])
        operations = _stored_operations(wanted)
        lots, items = _stored_children(operations)
        self.now = timezone.now()
        self.new = {Operation: [], Lot: [], LineItem: []}
        self.changed = {Operation: {}, Lot: {}, LineItem: {}}
        out = []
        for data, (service, problems) in chunk:
            first_line = data.lots[0].line if data.lots else None
            for kind, column, reason in problems:
                if kind == "count":
                    report.count(column, reason)
                else:
                    getattr(report, kind)(first_line, column, reason)
            if service is None:
                continue
            if not data.nature:
                report.error(
                    first_line, "nature", "nature inconnue (travaux, services, fournitures) et CPV absent."
                )
                continue
            key = (service.pk, data.reference[:80])
            created = key not in operations
            operation = self._get(operations, key, Operation, buyer_service=service, reference=key[1])
            operation.plan = self.plan
            operation.title = data.title[:500]
            operation.description = data.description
            operation.nature = data.nature
            operation.estimated_amount = data.amount
            operation.duration_months = data.duration_months
            operation.renewals = data.renewals
            operation.planned_launch_date = data.launch_date
            operation.places_text = data.places[:500]
            report.count("opérations créées" if created else "opérations mises à jour")
            out.append(operation)
            for lot_data in data.lots:
                self._lot(operation, key, lot_data, lots)
            for item in data.line_items:
                reference = item.reference[:40]
                line_item = self._get(
                    items, (key, reference), LineItem, operation=operation, reference=reference
                )
                line_item.description = item.description[:500]
                line_item.cpv_code = item.cpv
                line_item.amount = item.amount
                report.count("lignes d'estimation")
        # Parents first: a new lot or line item takes its new operation's primary key when inserted.
        for model, fields in ((Operation, OPERATION_FIELDS), (Lot, LOT_FIELDS), (LineItem, LINE_ITEM_FIELDS)):
            model.objects.bulk_create(self.new[model], batch_size=BATCH)
            _update_rows(model, list(self.changed[model].values()), [*fields, "updated_at"])
        self.written = self.written or bool(out)
        return out

    def _get(self, stored, key, model, **identity):
        """The object under ``key``: stored (to update), met earlier in this chunk, or new."""
        obj = stored.get(key)
        if obj is None:
            obj = stored[key] = model(**identity)
            self.new[model].append(obj)
        elif obj.pk is not None:
            obj.updated_at = self.now  # auto_now is not applied by bulk_update
            self.changed[model][obj.pk] = obj
        return obj

    def _lot(self, operation, operation_key, lot_data, lots):
        report = self.report
        if lot_data.cpv and self.cpv_codes is not None and lot_data.cpv not in self.cpv_codes:
            report.warning(
                lot_data.line,
                "code CPV",
                f"code CPV {lot_data.cpv} inconnu du référentiel CPV 2008 : ignoré.",
            )
            lot_data.cpv = ""
        place_key = (lot_data.place, lot_data.place_code, lot_data.place_kind_hint)
        place = self.places.get(place_key)
        if place is None:
            place = self.places[place_key] = resolve_lot_place(*place_key)
        if lot_data.place and not place.kind:
            report.warning(lot_data.line, "lieu d'exécution", f"lieu « {lot_data.place} » non reconnu.")
        number = lot_data.number[:20]
        lot = self._get(lots, (operation_key, number), Lot, operation=operation, number=number)
        lot.title = lot_data.title[:500]
        lot.cpv_code = lot_data.cpv
        lot.additional_cpv_codes = lot_data.additional_cpv
        lot.estimated_amount = lot_data.amount
        lot.annual_amount = lot_data.annual_amount
        lot.duration_months = lot_data.duration_months
        lot.place_text = lot_data.place[:300]
        lot.place_kind = place.kind if place.kind in PlaceKind.values else ""
        lot.place_code = place.code[:12]
        lot.department_codes = place.department_codes
        lot.region_code = place.region_code
        lot.sites_count = lot_data.sites_count
        lot.procedure = procedure_of(lot_data.procedure)
        lot.transferred_staff_monthly_hours = lot_data.transferred_staff_monthly_hours
        # Planned measures from the file only fill in; they never erase a decision taken in Dentelle.
        planned = {
            "clause_hours": lot_data.clause_hours,
            "reservation_kind": lot_data.reservation_kind,
            "social_award_criterion": lot_data.social_award_criterion or None,
            "insertion_market": lot_data.insertion_market or None,
        }
        for name, value in planned.items():
            if value:
                setattr(lot, name, value)
        report.count("lots")
        if lot_data.cpv_suggestion and not lot_data.cpv:
            report.count("CPV à confirmer")


def _in_chunks(values):
    values = sorted(values)
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def _stored_operations(wanted):
    """{(service pk, reference): Operation} of the stored operations among ``wanted`` (service pk →
    references), locked until the import ends (as ``update_or_create`` locked each one)."""
    found = {}
    for service_pk, references in wanted.items():
        for chunk in _in_chunks(references):
            rows = Operation.objects.select_for_update().filter(
                buyer_service_id=service_pk, reference__in=chunk
            )
            for operation in rows:
                found[(service_pk, operation.reference)] = operation
    return found


def _stored_children(operations):
    """({(operation key, number): Lot}, {(operation key, reference): LineItem}) of stored operations.

    A reference held by several line items of an operation: the first one is updated (the row-by-row
    ``update_or_create`` stopped there on « MultipleObjectsReturned »)."""
    key_of = {operation.pk: key for key, operation in operations.items()}
    lots, items = {}, {}
    for chunk in _in_chunks(key_of):
        for lot in Lot.objects.filter(operation_id__in=chunk):
            lots[(key_of[lot.operation_id], lot.number)] = lot
        for item in LineItem.objects.filter(operation_id__in=chunk).order_by("pk"):
            items.setdefault((key_of[item.operation_id], item.reference), item)
    return lots, items


def _update_rows(model, objs, names):
    """Save fields ``names`` of stored ``objs``: one UPDATE by primary key run for all of them
    (``executemany``), the values prepared by each field as ``save()`` prepares them. Django's
    ``bulk_update`` builds a CASE per field and row: minutes for 100,000 lots."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in fields),
        quote(model._meta.pk.column),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objs), BATCH):
            rows = [
                [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
                + [obj.pk]
                for obj in objs[start : start + BATCH]
            ]
            cursor.executemany(sql, rows)


def _lot_index_changed():
    """Bulk writes send no ``post_save``: tell the open-lot cache (when loaded) that lots changed."""
    lot_index = sys.modules.get("dentelle.matching.lot_index")
    if lot_index is not None:
        lot_index.invalidate_lot_index()


def _import_sites(records, operations, report):
    """The « sites » sheet: rows checked like a site file (line, column, reason), then saved."""
    from dentelle.purchases.allotment_sites import import_site_rows
    from dentelle.purchases.allotment_supply import resolver
    from dentelle.purchases.sitefile import rows_from_records

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
    try:
        from dentelle.referentials.index import get_index

        codes = get_index().cpv_codes
    except Exception:  # referentials not loaded: cannot check
        return None
    return codes or None


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
