"""What the matching needs to know about a lot: a ``LotDescription`` (plain values, its place not yet
resolved), read from a ``purchases.Lot`` or built by the CLI, the API and the pages; ``query_of`` turns it
into the scorer's ``LotQuery``. (The scanner's facts of a lot are ``purchases.screening.LotFacts``.)"""

from dataclasses import dataclass, field
from decimal import Decimal

from dentelle.core.validators import normalise_cpv
from dentelle.matching.places import place_of, resolve_place_text
from dentelle.matching.scoring import LotQuery


@dataclass
class LotDescription:
    """A lot described by plain values (the CLI, the API, the pages and the evaluation build these)."""

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


def describe_lot(lot):
    """LotDescription of a ``purchases.Lot`` (a LotDescription passes through)."""
    if isinstance(lot, LotDescription):
        return lot
    operation = lot.operation
    return LotDescription(
        cpv_codes=_codes([lot.cpv_code, *lot.additional_cpv_codes]),
        amount=_number(lot.estimated_amount),
        annual_amount=_number(lot.annual_amount),
        place_kind=lot.place_kind,
        place_code=lot.place_code,
        place_text=lot.place_text,
        nature=operation.nature or "services",
        reservation_kind=lot.reservation_kind,
        text=" ".join(part for part in (lot.title, operation.title) if part),
        duration_months=lot.duration_months,
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
    """LotQuery for the pure scorer, from a Lot or LotDescription."""
    facts = describe_lot(lot_or_facts)
    return LotQuery(
        cpv_codes=tuple(_codes(facts.cpv_codes)),
        text=facts.text,
        annual_amount=annual_amount_of(facts),
        place=resolve_place(facts),
        nature=facts.nature or "services",
        reservation_kind=facts.reservation_kind or "",
        staff_provision=facts.staff_provision,
    )
