"""Bulk writes of a parsed plan: operations, lots and line items by chunks, inserts and updates batched.

The outcome is the one of saving the rows one by one in the file's order (tests/purchases/
test_import_bulk_same_result.py compares it with the former row-by-row importer).
"""

from django.db import connections, router
from django.utils import timezone

from dentelle.purchases.models import LineItem, Lot, Operation, PlaceKind, Procedure
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


class BulkWriter:
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
        operations = _stored_operations(self.plan, wanted)
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
            operation = self._get(
                operations, key, Operation, plan=self.plan, buyer_service=service, reference=key[1]
            )
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
        lot.department_codes = list(place.department_codes)
        lot.region_code = place.region_code or ""
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


def _stored_operations(plan, wanted):
    """{(service pk, reference): Operation} of the plan's stored operations among ``wanted`` (service pk →
    references), locked until the import ends (as ``update_or_create`` locked each one)."""
    found = {}
    for service_pk, references in wanted.items():
        for chunk in _in_chunks(references):
            rows = Operation.objects.select_for_update().filter(
                plan=plan, buyer_service_id=service_pk, reference__in=chunk
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
