"""What the matching needs to know about a lot, from a `purchases.Lot` or a plain `LotFacts`."""

from dataclasses import dataclass, field
from decimal import Decimal

from dentelle.core.validators import normalise_cpv
from dentelle.matching.places import place_of, resolve_place_text
from dentelle.matching.scoring import LotQuery


@dataclass
class LotFacts:
    """A lot described by plain values (the purchases scanner and the CLI build these)."""

    cpv_codes: list = field(default_factory=list)  # main code first
    amount: float | None = None  # whole estimated amount, € HT
    annual_amount: float | None = None  # € HT per year; deduced from amount and duration if absent
    place_kind: str = ""  # commune, epci, ept, department, region, national
    place_code: str = ""
    place_text: str = ""  # free text, resolved when no code is given
    nature: str = "services"
    reservation_kind: str = ""
    text: str = ""
    duration_months: int | None = None
    staff_provision: bool | None = None


def _number(value):
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _codes(values):
    codes = []
    for value in values:
        try:
            code = normalise_cpv(value) if value else ""
        except (ValueError, TypeError):
            code = ""
        if code and code not in codes:
            codes.append(code)
    return codes


def facts_from_lot(lot):
    """LotFacts of a purchases.Lot, reading its fields defensively (the model is still growing)."""
    if isinstance(lot, LotFacts):
        return lot
    operation = getattr(lot, "operation", None)
    extra = getattr(lot, "additional_cpv_codes", None) or []
    if isinstance(extra, str):
        extra = extra.replace(";", ",").replace("|", ",").split(",")
    elif hasattr(extra, "all"):
        extra = [getattr(c, "code", c) for c in extra.all()]
    text = " ".join(
        str(part)
        for part in (
            getattr(lot, "title", ""),
            getattr(lot, "description", ""),
            getattr(operation, "title", "") if operation else "",
        )
        if part
    )
    nature = (
        getattr(lot, "nature", "") or (getattr(operation, "nature", "") if operation else "") or "services"
    )
    return LotFacts(
        cpv_codes=_codes([getattr(lot, "cpv_code", ""), *extra]),
        amount=_number(getattr(lot, "estimated_amount", None)),
        annual_amount=_number(getattr(lot, "annual_amount", None)),
        place_kind=str(getattr(lot, "place_kind", "") or ""),
        place_code=str(getattr(lot, "place_code", "") or ""),
        place_text=str(getattr(lot, "place_text", "") or getattr(lot, "place_name", "") or ""),
        nature=str(nature),
        reservation_kind=str(getattr(lot, "reservation_kind", "") or ""),
        text=text,
        duration_months=getattr(lot, "duration_months", None),
    )


def annual_amount_of(facts):
    if facts.annual_amount:
        return facts.annual_amount
    if facts.amount and facts.duration_months and facts.duration_months > 12:
        return facts.amount * 12.0 / facts.duration_months
    return facts.amount


def resolve_place(facts):
    if facts.place_kind and (facts.place_code or facts.place_kind == "national"):
        place = place_of(facts.place_kind, facts.place_code, "")
        if place is not None:
            return place
    return resolve_place_text(facts.place_text) if facts.place_text else None


def query_of(lot_or_facts):
    """LotQuery for the pure scorer, from a Lot or LotFacts."""
    facts = facts_from_lot(lot_or_facts)
    return LotQuery(
        cpv_codes=tuple(_codes(facts.cpv_codes)),
        text=facts.text,
        annual_amount=annual_amount_of(facts),
        place=resolve_place(facts),
        nature=facts.nature or "services",
        reservation_kind=facts.reservation_kind or "",
        staff_provision=facts.staff_provision,
    )
