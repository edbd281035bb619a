# pure: no database
"""A purchase plan as plain data: operations → lots → line items (what every plan reader produces).

The readers (``planfile`` for CSV and XLSX, ``plan_json`` for JSON) build these; the importer writes
them through the ORM and ``dentelle scan`` screens them directly.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dentelle.core import tabular

FORMAT_ID = "dentelle-plan/1"
_NAME_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


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
    refused_rows: list = field(default_factory=list)  # (line, service text) of the rows in error

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


def year_in_name(name):
    """The first year a plan's name holds (« Programmation 2028 » → 2028, « PPA 2028-2029 » → 2028), or None."""
    found = _NAME_YEAR.search(str(name or ""))
    return int(found.group(1)) if found else None


def plan_year(name, declared=None, chosen=None, today=None):
    """(year, where it comes from) of the plan an import writes: the year chosen (form, ``--year``), else
    the one the plan's name holds, else the one the file declares (JSON), else next year."""
    for year, source in ((chosen, "chosen"), (year_in_name(name), "name"), (declared, "file")):
        if year:
            return year, source
    return (today or date.today()).year + 1, "default"
