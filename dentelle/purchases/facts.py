"""Build the scanner's input facts from database lots or from a parsed plan file."""

from decimal import Decimal

from dentelle.purchases.enums import Procedure
from dentelle.purchases.models import PurchasePlan
from dentelle.purchases.places import resolve_lot_place
from dentelle.purchases.screening import LineItemFacts, LotFacts
from dentelle.purchases.supply import SupplyRequest
from dentelle.referentials.index import get_index

SMALL_LOT_PROCEDURE = Procedure.ADAPTED_SMALL_LOT


def _department_name(code):
    # Referentials not loaded: the index is empty and has no name for the code.
    return get_index().department_name(code) or f"Département {code}"


def supply_request(cpv, department_codes, place_kind="", place_code="", nature="", reservation_kind=""):
    """The supply request of a lot (None when nothing can be counted: no code or no territory)."""
    if not cpv or not department_codes:
        return None
    return SupplyRequest(
        cpv, tuple(department_codes), place_kind or "", place_code or "", nature or "", reservation_kind or ""
    )


def unit_requests(request):
    """One request per department of a lot spanning several (the territorial allotment's units)."""
    if request is None or len(request.department_codes) < 2:
        return ()
    return tuple(
        request._replace(department_codes=(dept,), place_kind="department", place_code=dept)
        for dept in request.department_codes
    )


def prepare_supply(supply, requests):
    """Count every request of a plan (and its allotment units) in one batch before screening."""
    if supply is None:
        return
    wanted = [r for r in requests if r is not None]
    supply.prepare(wanted + [unit for r in wanted for unit in unit_requests(r)])


def supply_facts(supply, request):
    """(able, capacity, disability, units) for a lot; all None when nothing can be counted."""
    if supply is None or request is None:
        return None, None, None, ()
    total = supply.count(request)
    units = tuple(
        ("department", unit.place_code, _department_name(unit.place_code), supply.count(unit).siae, 1)
        for unit in unit_requests(request)
    )
    return total.siae, total.capacity, total.disability, units


def lot_request(lot):
    return supply_request(
        lot.cpv_code,
        list(lot.department_codes or []),
        lot.place_kind,
        lot.place_code,
        lot.operation.nature,
        lot.reservation_kind,
    )


# What a lot says under the same name in the database (``Lot``) and in a parsed plan (``LotData``).
SHARED_LOT_FACTS = (
    "annual_amount",
    "sites_count",
    "procedure",
    "clause_hours",
    "reservation_kind",
    "social_award_criterion",
    "insertion_market",
    "transferred_staff_monthly_hours",
)


def lot_facts(lot, operation, counts, **facts):
    """The scanner's LotFacts of a lot, from the database or from a parsed plan: the attributes both
    name alike (``SHARED_LOT_FACTS``), the operation's nature and duration, the supply ``counts``
    (``supply_facts``), and in ``facts`` what each names its own way (key, title, code, amount, place)."""
    able, capacity, disability, units = counts
    return LotFacts(
        nature=operation.nature,
        duration_months=lot.duration_months or operation.duration_months,
        able_structures=able,
        able_capacity=capacity,
        disability_structures=disability,
        able_by_unit=units,
        **{name: getattr(lot, name) for name in SHARED_LOT_FACTS},
        **facts,
    )


def facts_from_lot(
    lot, supply=None, market_amount=None, line_items=(), small_lots_used=Decimal("0"), plan_year=None
):
    """``plan_year``: the year of the lot's plan (an undated lot is launched within it)."""
    operation = lot.operation
    return lot_facts(
        lot,
        operation,
        supply_facts(supply, lot_request(lot)),
        key=str(lot.pk),
        title=f"{operation.title} — {lot.title}" if lot.title != operation.title else lot.title,
        cpv=lot.cpv_code,
        amount=lot.estimated_amount,
        market_amount=market_amount,
        launch_date=operation.planned_launch_date,
        plan_year=plan_year,
        department_codes=tuple(lot.department_codes or ()),
        place_kind=lot.place_kind,
        has_employment_condition=lot.has_employment_condition,
        obligation_exception_code=lot.obligation_exception_code,
        line_items=tuple(line_items),
        small_lots_used=small_lots_used,
    )


def operation_facts(operation, supply=None, plan_year=None):
    """[(lot, LotFacts)] for every lot of a database operation; line items go on its main lot.
    ``plan_year``: the year of its plan (``plan_years`` gives those of many operations in one query)."""
    lots = list(operation.lots.all())
    if not lots:
        return []
    market = operation.estimated_amount
    if market is None:
        amounts = [lot.estimated_amount for lot in lots if lot.estimated_amount is not None]
        market = sum(amounts, Decimal("0")) if amounts else None
    main = max(lots, key=lambda lot: (lot.estimated_amount or 0, -lot.pk))
    items = [
        LineItemFacts(item.reference or str(item.pk), item.description, item.cpv_code, item.amount)
        for item in operation.line_items.all()
        if item.carved_out_lot_id is None
    ]
    used = sum(
        (lot.estimated_amount or 0 for lot in lots if lot.procedure == SMALL_LOT_PROCEDURE), Decimal("0")
    )
    return [
        (lot, facts_from_lot(lot, supply, market, items if lot is main else (), used, plan_year))
        for lot in lots
    ]


def plan_years(operations):
    """plan id → year for the plans of ``operations`` (one query)."""
    ids = {operation.plan_id for operation in operations if operation.plan_id}
    return dict(PurchasePlan.objects.filter(pk__in=ids).values_list("pk", "year")) if ids else {}


def plan_facts(plan, supply=None, default_launch_date=None, place_cache=None):
    """[(operation, lot, LotFacts, index)] for a parsed plan file (``plan_data.PlanData``), without the DB.

    A plan repeats (place, trade) pairs lot after lot: each distinct one is resolved, counted and turned
    into supply facts once (``known``), then every lot reads its entry."""
    place_cache = {} if place_cache is None else place_cache
    known = {}  # (place text, code, hint, cpv, nature, reservation) → [place, request, supply facts]
    lots = []
    for operation in plan.operations:
        nature = operation.nature
        for lot in operation.lots:
            key = (lot.place, lot.place_code, lot.place_kind_hint, lot.cpv, nature, lot.reservation_kind)
            entry = known.get(key)
            if entry is None:
                place_key = key[:3]
                place = place_cache.get(place_key)
                if place is None:
                    place = place_cache[place_key] = resolve_lot_place(*place_key)
                request = supply_request(
                    lot.cpv, place.department_codes, place.kind, place.code, nature, lot.reservation_kind
                )
                entry = known[key] = [place, request, None]
            lots.append(entry)
    entries = list(known.values())
    prepare_supply(supply, [entry[1] for entry in entries])  # every able count of the plan in one batch
    for entry in entries:
        entry[2] = supply_facts(supply, entry[1])
    out, position = [], 0
    for operation in plan.operations:
        operation_lots = operation.lots
        if not operation_lots:
            continue
        market = operation.market_amount
        main = operation_lots[0] if len(operation_lots) == 1 else max(operation_lots, key=_lot_amount)
        items = tuple(
            LineItemFacts(i.reference, i.description, i.cpv, i.amount) for i in operation.line_items
        )
        launch = operation.launch_date or default_launch_date
        for index, lot in enumerate(operation_lots):
            place, _request, counts = lots[position]
            position += 1
            facts = lot_facts(
                lot,
                operation,
                counts,
                key=f"{operation.reference}/{lot.number}",
                title=lot.title,
                cpv=lot.cpv,
                amount=lot.amount,
                market_amount=market,
                launch_date=launch,
                plan_year=plan.year,
                department_codes=tuple(place.department_codes),
                place_kind=place.kind,
                line_items=items if lot is main else (),
            )
            out.append((operation, lot, facts, index))
    return out


def _lot_amount(lot):
    return lot.amount or 0
