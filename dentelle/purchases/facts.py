"""Build the scanner's input facts from database lots or from a parsed plan file."""

from decimal import Decimal

from dentelle.purchases.places import resolve_lot_place
from dentelle.purchases.screening import LineItemFacts, LotFacts

SMALL_LOT_PROCEDURE = "adapted_small_lot"


def _department_name(code):
    try:
        from dentelle.referentials.index import get_index

        return get_index().department_name(code) or f"Département {code}"
    except Exception:  # referentials not loaded
        return f"Département {code}"


def supply_facts(supply, cpv, department_codes, place_kind="", place_code=""):
    """(able, capacity, disability, units) for a lot; all None when nothing can be counted."""
    if supply is None or not cpv or not department_codes:
        return None, None, None, ()
    total = supply.count(cpv, department_codes, place_kind=place_kind, place_code=place_code)
    units = ()
    if len(department_codes) >= 2:
        units = tuple(
            ("department", dept, _department_name(dept), supply.count(cpv, [dept]).siae, 1)
            for dept in department_codes
        )
    return total.siae, total.capacity, total.disability, units


def facts_from_lot(lot, supply=None, market_amount=None, line_items=(), small_lots_used=Decimal("0")):
    operation = lot.operation
    able, capacity, disability, units = supply_facts(
        supply, lot.cpv_code, list(lot.department_codes or []), lot.place_kind, lot.place_code
    )
    return LotFacts(
        key=str(lot.pk),
        title=f"{operation.title} — {lot.title}" if lot.title != operation.title else lot.title,
        cpv=lot.cpv_code,
        nature=operation.nature,
        amount=lot.estimated_amount,
        market_amount=market_amount,
        annual_amount=lot.annual_amount,
        duration_months=lot.duration_months or operation.duration_months,
        launch_date=operation.planned_launch_date,
        department_codes=tuple(lot.department_codes or ()),
        place_kind=lot.place_kind,
        sites_count=lot.sites_count,
        procedure=lot.procedure,
        clause_hours=lot.clause_hours,
        has_employment_condition=lot.has_employment_condition,
        reservation_kind=lot.reservation_kind,
        social_award_criterion=lot.social_award_criterion,
        insertion_market=lot.insertion_market,
        obligation_exception_code=lot.obligation_exception_code,
        transferred_staff_monthly_hours=lot.transferred_staff_monthly_hours,
        able_structures=able,
        able_capacity=capacity,
        disability_structures=disability,
        able_by_unit=units,
        line_items=tuple(line_items),
        small_lots_used=small_lots_used,
    )


def operation_facts(operation, supply=None):
    """[(lot, LotFacts)] for every lot of a database operation; line items go on its main lot."""
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
    return [(lot, facts_from_lot(lot, supply, market, items if lot is main else (), used)) for lot in lots]


def plan_facts(plan, supply=None, default_launch_date=None, place_cache=None):
    """[(operation, lot, LotFacts)] for a parsed plan file (``planfile.PlanData``), without the DB."""
    place_cache = {} if place_cache is None else place_cache
    out = []
    for operation in plan.operations:
        market = operation.market_amount
        main = max(operation.lots, key=lambda lot: lot.amount or 0) if operation.lots else None
        items = tuple(
            LineItemFacts(i.reference, i.description, i.cpv, i.amount) for i in operation.line_items
        )
        for index, lot in enumerate(operation.lots):
            key = (lot.place, lot.place_code, lot.place_kind_hint)
            place = place_cache.get(key)
            if place is None:
                place = place_cache[key] = resolve_lot_place(lot.place, lot.place_code, lot.place_kind_hint)
            able, capacity, disability, units = supply_facts(
                supply, lot.cpv, place.department_codes, place.kind, place.code
            )
            facts = LotFacts(
                key=f"{operation.reference}/{lot.number}",
                title=lot.title,
                cpv=lot.cpv,
                nature=operation.nature,
                amount=lot.amount,
                market_amount=market,
                annual_amount=lot.annual_amount,
                duration_months=lot.duration_months or operation.duration_months,
                launch_date=operation.launch_date or default_launch_date,
                department_codes=tuple(place.department_codes),
                place_kind=place.kind,
                sites_count=lot.sites_count,
                procedure=lot.procedure,
                clause_hours=lot.clause_hours,
                reservation_kind=lot.reservation_kind,
                social_award_criterion=lot.social_award_criterion,
                insertion_market=lot.insertion_market,
                transferred_staff_monthly_hours=lot.transferred_staff_monthly_hours,
                able_structures=able,
                able_capacity=capacity,
                disability_structures=disability,
                able_by_unit=units,
                line_items=items if lot is main else (),
            )
            out.append((operation, lot, facts, index))
    return out
