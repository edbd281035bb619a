# pure: no database
"""A purchase plan as plain data: operations → lots → line items (what every plan reader produces).

The readers (``planfile`` for CSV and XLSX, ``plan_json`` for JSON) build these; the importer writes
them through the ORM and ``dentelle scan`` screens them directly.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dentelle.core import tabular

FORMAT_ID = "dentelle-plan/1"


@dataclass
class LineItemData:
    reference: str
    description: str
    cpv: str
    amount: Decimal
    line: int | None = None


@dataclass
class LotData:
    number: str
    title: str
    cpv: str = ""
    additional_cpv: list = field(default_factory=list)
    amount: Decimal | None = None
    annual_amount: Decimal | None = None
    duration_months: int | None = None
    place: str = ""
    place_code: str = ""
    place_kind_hint: str = ""
    procedure: str = ""
    clause_hours: int | None = None
    reservation_kind: str = ""
    social_award_criterion: bool = False
    insertion_market: bool = False
    sites_count: int | None = None
    transferred_staff_monthly_hours: Decimal | None = None
    family_text: str = ""
    cpv_suggestion: dict | None = None
    line: int | None = None


@dataclass
class OperationData:
    reference: str
    title: str
    service: str = ""
    nature: str = ""
    description: str = ""
    amount: Decimal | None = None
    duration_months: int | None = None
    renewals: int = 0
    launch_date: date | None = None
    places: str = ""
    lots: list = field(default_factory=list)
    line_items: list = field(default_factory=list)

    @property
    def market_amount(self):
        if self.amount is not None:
            return self.amount
        amounts = [lot.amount for lot in self.lots if lot.amount is not None]
        return sum(amounts, Decimal("0")) if amounts else None


@dataclass
class PlanData:
    operations: list = field(default_factory=list)
    mapping: dict = field(default_factory=dict)  # canonical key → header as found
    unmapped: list = field(default_factory=list)
    columns: list = field(default_factory=list)  # [(index, header, canonical key or "")] of the file
    name: str = ""
    year: int | None = None
    organisation: str = ""
    site_records: list = field(default_factory=list)  # (line, {header: value}) of the « sites » sheet

    @property
    def lot_count(self):
        return sum(len(op.lots) for op in self.operations)


class PlanFileError(ValueError):
    """The file cannot be read at all (French message naming the file)."""


def decode(data, name):
    """Text of a plan file: UTF-8 or Windows-1252, no NUL (``core.tabular``); ``PlanFileError`` otherwise."""
    try:
        return tabular.decode(data, name)
    except tabular.TabularError as exc:
        raise PlanFileError(str(exc)) from None
