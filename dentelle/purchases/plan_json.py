"""The documented JSON plan format (docs/plan-format.md): operations → lots → line items."""

import json
from decimal import InvalidOperation

from dentelle.purchases.planfile import (
    FORMAT_ID,
    LineItemData,
    LotData,
    OperationData,
    PlanData,
    PlanFileError,
    _digits_cpv,
    decode,
    nature_of,
    parse_date,
    parse_decimal,
)


def read_json_plan(data, name, report):
    """The documented JSON plan format (docs/plan-format.md)."""
    try:
        payload = json.loads(decode(data, name))
    except json.JSONDecodeError as exc:
        raise PlanFileError(f"{name} : JSON invalide, ligne {exc.lineno} : {exc.msg}.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("operations"), list):
        raise PlanFileError(f"{name} : objet avec une liste « operations » attendu (format {FORMAT_ID}).")
    plan = PlanData(
        name=payload.get("name", ""), year=payload.get("year"), organisation=payload.get("organisation", "")
    )
    for i, raw in enumerate(payload["operations"]):
        where = f"operations[{i}]"
        try:
            plan.operations.append(_json_operation(raw))
        except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
            report.error(None, where, f"opération invalide : {exc.__class__.__name__} {exc}")
    return plan


def _json_operation(raw):
    lots = raw.get("lots") or []
    operation = OperationData(
        reference=str(raw["reference"]),
        title=str(raw["title"]),
        service=str(raw.get("service", "")),
        description=str(raw.get("description", "")),
        amount=parse_decimal(raw.get("estimated_amount")),
        duration_months=raw.get("duration_months"),
        renewals=int(raw.get("renewals") or 0),
        launch_date=parse_date(raw.get("planned_launch_date")),
        places=str(raw.get("places", "")),
    )
    for j, lot_raw in enumerate(lots):
        planned = lot_raw.get("planned") or {}
        operation.lots.append(
            LotData(
                number=str(lot_raw.get("number") or j + 1),
                title=str(lot_raw.get("title") or operation.title),
                cpv=_digits_cpv(lot_raw.get("cpv")),
                additional_cpv=[_digits_cpv(c) for c in lot_raw.get("additional_cpv", []) if _digits_cpv(c)],
                amount=parse_decimal(lot_raw.get("amount")),
                annual_amount=parse_decimal(lot_raw.get("annual_amount")),
                duration_months=lot_raw.get("duration_months") or operation.duration_months,
                place=str(lot_raw.get("place") or operation.places),
                place_code=str(lot_raw.get("place_code", "")),
                place_kind_hint=str(lot_raw.get("place_kind", "")),
                procedure=str(lot_raw.get("procedure", "")),
                clause_hours=planned.get("clause_hours"),
                reservation_kind=str(planned.get("reservation_kind", "")),
                social_award_criterion=bool(planned.get("social_award_criterion", False)),
                insertion_market=bool(planned.get("insertion_market", False)),
                sites_count=lot_raw.get("sites_count"),
                transferred_staff_monthly_hours=parse_decimal(lot_raw.get("transferred_staff_monthly_hours")),
            )
        )
    for k, item in enumerate(raw.get("line_items") or []):
        operation.line_items.append(
            LineItemData(
                reference=str(item.get("reference") or k + 1),
                description=str(item["description"]),
                cpv=_digits_cpv(item.get("cpv")),
                amount=parse_decimal(item["amount"]),
            )
        )
    first_cpv = (
        operation.lots[0].cpv
        if operation.lots
        else (operation.line_items[0].cpv if operation.line_items else "")
    )
    operation.nature = raw.get("nature") or nature_of("", first_cpv)
    return operation
