# pure: no database
"""Cells of a plan file → values: numbers within their column's range, dates, CPV codes, nature."""

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from dentelle.core.numbers import AMOUNT, COUNT, DURATION_MONTHS, HOURS, MONTHLY_HOURS, Bound, parse_number
from dentelle.purchases.enums import Nature
from dentelle.purchases.plan_columns import normalise_header

# Range of every numeric column (core.numbers): within the model columns, so nothing stored is unreadable.
RENEWALS = Bound("nombre de reconductions", Decimal(0), Decimal(100), places=0, integer=True)
BOUNDS = {
    "amount": AMOUNT,
    "annual_amount": AMOUNT,
    "transferred_staff_monthly_hours": MONTHLY_HOURS,
    "duration_months": DURATION_MONTHS,
    "renewals": RENEWALS,
    "clause_hours": HOURS,
    "sites_count": COUNT,
}
# Texts compared in the database (service, organisation: ``iexact``, a LIKE on SQLite) stay short.
MAX_KEY_CHARS = 200
SUGGESTION_SECONDS = 10.0  # time budget of the CPV suggestions for one file (upload preview)
NATURE_WORDS = {
    "travaux": Nature.WORKS,
    "services": Nature.SERVICES,
    "service": Nature.SERVICES,
    "fournitures": Nature.SUPPLIES,
}
RESERVATION_WORDS = {
    "siae": "siae",
    "l2113 13": "siae",
    "ea": "disability",
    "esat": "disability",
    "l2113 12": "disability",
}


def parse_decimal(value, bound=AMOUNT):
    """A cell → Decimal within ``bound`` (None when empty); ``NumberError`` (a ValueError, French)."""
    if type(value) is str and len(value) < 13 and value.isascii() and value.isdigit():
        return Decimal(value)  # fast path: plain integer amounts (most plans), below 10¹²
    return parse_number(value, bound)


def parse_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _parse_date_text(str(value).strip())


@lru_cache(maxsize=4096)
def _parse_date_text(text):
    """Plans repeat the same few dates: parse each text once (strptime is slow)."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%m/%Y", "%Y-%m"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def nature_of(text, cpv):
    if text:
        words = _nature_words(text)
        for word, nature in NATURE_WORDS.items():
            if word in words:
                return nature
    return Nature.of_cpv(cpv)


@lru_cache(maxsize=1024)
def _nature_words(text):
    """Words of a nature cell ("Travaux", "Fournitures courantes"): plans repeat a handful of them."""
    return frozenset(normalise_header(text).split())


def blank_row(row):
    """A row with no visible cell. CSV rows are all text: one join instead of a test per cell."""
    try:
        return not "".join(row).strip()
    except TypeError:  # workbook rows hold numbers, dates and None
        return not any(str(c).strip() for c in row if c is not None)


def row_cells(row, items):
    """One dict per row (canonical key → stripped text), built once: cheaper than a lookup per field."""
    size = len(row)
    cells = {}
    for key, index in items:
        if index < size:
            value = row[index]
            if value is None:
                continue
            cells[key] = value.strip() if isinstance(value, str) else value
    return cells


def row_cell(row, mapping, key):
    index = mapping.get(key)
    if index is None or index >= len(row):
        return ""
    value = row[index]
    return value.strip() if isinstance(value, str) else ("" if value is None else value)


def digits_cpv(value):
    if type(value) is str and len(value) == 8 and value.isascii() and value.isdigit():
        return value
    digits = re.sub(r"[^0-9]", "", str(value or ""))
    return digits[:8] if len(digits) >= 8 else ""
