"""The documented JSON plan format (docs/plan-format.md): operations → lots → line items.

Every problem is reported in French with where it is (``operations[2].lots[0].amount``) and what
was expected; one bad operation is reported and skipped, the others are read.
"""

import json

from dentelle.core.file_errors import (
    has_lone_surrogate,
    has_nul,
    json_error_message,
    nul_error_message,
    surrogate_error_message,
)
from dentelle.core.numbers import YEAR, NumberError, json_int, parse_integer
from dentelle.purchases.models import Nature, ReservationKind
from dentelle.purchases.plan_cells import (
    BOUNDS,
    MAX_KEY_CHARS,
    digits_cpv,
    nature_of,
    parse_date,
    parse_decimal,
)
from dentelle.purchases.plan_data import (
    FORMAT_ID,
    LineItemData,
    LotData,
    OperationData,
    PlanData,
    PlanFileError,
    decode,
)

FORMAT_HINT = (
    f"Corrigez le fichier (format {FORMAT_ID} : un objet dont la liste « operations » donne chaque opération "
    "et sa liste « lots ») puis réessayez."
)


class JsonFieldError(ValueError):
    """One field of one operation is wrong: its path (``operations[2].lots[0].amount``) and why."""

    def __init__(self, path, reason):
        super().__init__(f"{path} : {reason}")
        self.path, self.reason = path, reason


def read_json_plan(data, name, report, max_operations=None):
    """The documented JSON plan format (docs/plan-format.md)."""
    text = decode(data, name)
    if not text.strip():
        raise PlanFileError(f"{name} : fichier vide. {FORMAT_HINT}")
    if has_nul(text):
        raise PlanFileError(nul_error_message(name, text))
    try:
        payload = json.loads(text, parse_int=json_int)
    except json.JSONDecodeError as exc:
        raise PlanFileError(json_error_message(name, exc, FORMAT_HINT)) from None
    except RecursionError:
        raise PlanFileError(f"{name} : JSON trop profondément imbriqué. {FORMAT_HINT}") from None
    if has_lone_surrogate(payload):
        raise PlanFileError(surrogate_error_message(name))
    if not isinstance(payload, dict) or not isinstance(payload.get("operations"), list):
        raise PlanFileError(f"{name} : objet avec une liste « operations » attendu. {FORMAT_HINT}")
    if max_operations is not None and len(payload["operations"]) > max_operations:
        raise PlanFileError(
            f"{name} : plus de {max_operations} opérations : découpez le fichier en plusieurs envois, "
            "puis réessayez."
        )
    year = payload.get("year")
    plan = PlanData()
    try:
        plan.name = _text(payload, "name", "", "", 200)
        plan.organisation = _text(payload, "organisation", "", "", MAX_KEY_CHARS)
    except JsonFieldError as exc:
        report.error(None, exc.path, exc.reason)
    if year is not None:
        try:
            plan.year = parse_integer(year, YEAR) if isinstance(year, int) else None
        except NumberError as exc:
            report.warning(None, "year", f"{exc.reason} Année ignorée.")
        else:
            if plan.year is None:
                report.warning(None, "year", f"année illisible « {year} » (nombre entier attendu) : ignorée.")
    for i, raw in enumerate(payload["operations"]):
        try:
            plan.operations.append(_json_operation(raw, f"operations[{i}]"))
        except JsonFieldError as exc:
            report.error(None, exc.path, f"{exc.reason} L'opération n'est pas lue.")
    return plan


def _object(raw, where):
    if not isinstance(raw, dict):
        raise JsonFieldError(where, "objet JSON {…} attendu.")
    return raw


def _list(raw, key, where):
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise JsonFieldError(f"{where}.{key}", "liste […] attendue.")
    return value


def _required(raw, key, where):
    value = raw.get(key)
    if value is None or str(value).strip() == "":
        raise JsonFieldError(f"{where}.{key}", "champ obligatoire absent.")
    return str(value)


def _text(raw, key, where, default="", max_chars=None):
    """A text field: numbers are taken as text, objects and lists refused; ``max_chars`` bounds it."""
    value = raw.get(key)
    path = f"{where}.{key}" if where else key
    if value is None or value == "":
        return default
    if isinstance(value, (dict, list)):
        raise JsonFieldError(path, "texte attendu, reçu un objet ou une liste.")
    text = str(value)
    if max_chars is not None and len(text) > max_chars:
        raise JsonFieldError(path, f"texte trop long ({len(text)} caractères, {max_chars} au plus).")
    return text


def _choice(raw, key, where, allowed):
    value = _text(raw, key, where)
    if value not in allowed:
        shown = ", ".join(v for v in allowed if v)
        raise JsonFieldError(
            f"{where}.{key}", f"valeur inconnue « {value[:40]} » (valeurs admises : {shown})."
        )
    return value


def _amount(raw, key, where, bound_key="amount"):
    value = raw.get(key)
    try:
        return parse_decimal(value, BOUNDS[bound_key])
    except ValueError as exc:  # core.numbers.NumberError: out of bounds, unreadable, wrong type
        raise JsonFieldError(f"{where}.{key}", getattr(exc, "reason", str(exc))) from None


def _integer(raw, key, where, default=None, bound_key=None):
    value = raw.get(key)
    if value is None or value == "":
        return default
    try:
        return parse_integer(value, BOUNDS[bound_key or key])
    except NumberError as exc:
        raise JsonFieldError(f"{where}.{key}", exc.reason) from None


def _date(raw, key, where):
    value = raw.get(key)
    try:
        return parse_date(value)
    except (ValueError, TypeError):
        raise JsonFieldError(f"{where}.{key}", f"date illisible « {value} » (AAAA-MM-JJ attendu).") from None


def _json_operation(raw, where):
    raw = _object(raw, where)
    operation = OperationData(
        reference=_required(raw, "reference", where),
        title=_required(raw, "title", where),
        service=_text(raw, "service", where, max_chars=MAX_KEY_CHARS),
        description=str(raw.get("description") or ""),
        amount=_amount(raw, "estimated_amount", where),
        duration_months=_integer(raw, "duration_months", where),
        renewals=_integer(raw, "renewals", where, default=0),
        launch_date=_date(raw, "planned_launch_date", where),
        places=str(raw.get("places") or ""),
    )
    for j, lot_raw in enumerate(_list(raw, "lots", where)):
        operation.lots.append(
            _json_lot(_object(lot_raw, f"{where}.lots[{j}]"), j, operation, f"{where}.lots[{j}]")
        )
    for k, item in enumerate(_list(raw, "line_items", where)):
        at = f"{where}.line_items[{k}]"
        item = _object(item, at)
        amount = _amount(item, "amount", at)
        if amount is None:
            raise JsonFieldError(f"{at}.amount", "champ obligatoire absent.")
        operation.line_items.append(
            LineItemData(
                reference=str(item.get("reference") or k + 1),
                description=_required(item, "description", at),
                cpv=digits_cpv(item.get("cpv")),
                amount=amount,
            )
        )
    first_cpv = (
        operation.lots[0].cpv
        if operation.lots
        else (operation.line_items[0].cpv if operation.line_items else "")
    )
    nature = _text(raw, "nature", where)
    operation.nature = nature if nature in Nature.values else nature_of(nature, first_cpv)
    return operation


def _json_lot(lot_raw, j, operation, where):
    planned = lot_raw.get("planned") or {}
    planned = _object(planned, f"{where}.planned")
    additional = lot_raw.get("additional_cpv") or []
    if not isinstance(additional, list):
        raise JsonFieldError(f"{where}.additional_cpv", "liste de codes CPV attendue.")
    return LotData(
        number=str(lot_raw.get("number") or j + 1),
        title=str(lot_raw.get("title") or operation.title),
        cpv=digits_cpv(lot_raw.get("cpv")),
        additional_cpv=[digits_cpv(c) for c in additional if digits_cpv(c)],
        amount=_amount(lot_raw, "amount", where),
        annual_amount=_amount(lot_raw, "annual_amount", where),
        duration_months=_integer(lot_raw, "duration_months", where) or operation.duration_months,
        place=str(lot_raw.get("place") or operation.places),
        place_code=str(lot_raw.get("place_code") or ""),
        place_kind_hint=str(lot_raw.get("place_kind") or ""),
        procedure=str(lot_raw.get("procedure") or ""),
        clause_hours=_integer(planned, "clause_hours", f"{where}.planned"),
        reservation_kind=_choice(planned, "reservation_kind", f"{where}.planned", ReservationKind.values),
        social_award_criterion=bool(planned.get("social_award_criterion", False)),
        insertion_market=bool(planned.get("insertion_market", False)),
        sites_count=_integer(lot_raw, "sites_count", where),
        transferred_staff_monthly_hours=_amount(
            lot_raw, "transferred_staff_monthly_hours", where, "transferred_staff_monthly_hours"
        ),
    )
