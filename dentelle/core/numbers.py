# pure: no database
"""Bounded number parsing for every importer: nothing out of range, nothing slow, a French reason.

A number read from a file is checked *before* any ``Decimal``/``int`` conversion: a text longer than
``MAX_TEXT_CHARS`` or with an exponent beyond ``MAX_EXPONENT`` is refused at once (``int(Decimal(
"1e999999"))`` takes minutes), NaN and infinities are refused, then the value must lie in the range of
its field (``Bound``). The ranges stay inside the model columns (``DecimalField(max_digits=14,
decimal_places=2)`` holds < 10¹², a ``PositiveIntegerField`` < 2³¹), so both databases accept the
same values and nothing stored is unreadable.

Pure module: standard library only.
"""

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_TEXT_CHARS = 40
MAX_EXPONENT = 20
# Thousands separators and units that spreadsheets and people write inside numbers.
_NOISE = str.maketrans({"\u202f": None, "\xa0": None, " ": None, "€": None, "\u2009": None, "_": None})
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?")


class NumberError(ValueError):
    """The value is not an acceptable number; ``reason`` is French and ends with a full stop."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Bound:
    """The accepted range of one kind of field."""

    label: str  # « montant », « durée en mois »… (French, used in the reasons)
    minimum: Decimal
    maximum: Decimal
    places: int = 2  # decimals kept (rounded half up); 0 for a whole number
    integer: bool = False  # a whole number is expected (12.0 is accepted, 12.5 is not)
    unit: str = ""

    def shown(self, value):
        text = f"{value:,.0f}".replace(",", "\u202f") if value == value.to_integral_value() else str(value)
        return f"{text} {self.unit}".strip()


# MONEY = DecimalField(max_digits=14, decimal_places=2): below 10¹² €.
AMOUNT = Bound("montant", Decimal(0), Decimal("999999999999.99"), unit="€")
# Insertion hours (HOURS = DecimalField(max_digits=10, decimal_places=2), PositiveIntegerField).
HOURS = Bound("nombre d'heures", Decimal(0), Decimal(10_000_000), unit="h")
MONTHLY_HOURS = Bound("nombre d'heures mensuelles", Decimal(0), Decimal(1_000_000), unit="h")
DURATION_MONTHS = Bound("durée en mois", Decimal(0), Decimal(1200), places=0, integer=True, unit="mois")
COUNT = Bound("nombre", Decimal(0), Decimal(1_000_000), places=0, integer=True)
# Full-time equivalents, places: a count that may carry decimals (12.5 ETP).
FTE = Bound("effectif", Decimal(0), Decimal(1_000_000))
YEAR = Bound("année", Decimal(2000), Decimal(2100), places=0, integer=True)


def _to_decimal(value, bound, french=True):
    """Any cell value → a finite Decimal of reasonable size, or NumberError (never slow)."""
    if isinstance(value, bool):
        raise NumberError(f"{bound.label} attendu, reçu une valeur vrai/faux « {value} ».")
    if isinstance(value, int):
        # A huge int compares fast; its str() would be slow (and limited to 4,300 digits).
        if not -(10**MAX_EXPONENT) < value < 10**MAX_EXPONENT:
            raise _out_of_range(bound)
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NumberError(f"{bound.label} illisible « {value} » (nombre fini attendu).")
        value = repr(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise NumberError(f"{bound.label} illisible « {value} » (nombre fini attendu).")
        if value and abs(value.adjusted()) > MAX_EXPONENT:
            raise _out_of_range(bound)
        return value
    elif not isinstance(value, str):
        raise NumberError(f"{bound.label} attendu (nombre), reçu « {_preview(value)} ».")
    if len(value) > 4 * MAX_TEXT_CHARS:  # not even worth cleaning
        raise _too_long(bound, value)
    text = value.strip()
    if not french:  # machine-written data (DECP): a decimal comma at most, no spaces nor units
        text = text.replace(",", ".")
    elif "," in text and "." in text:  # 1.234,56 (French) — the last separator is the decimal one
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text
        text = text.translate(_NOISE).replace(",", "")
    else:
        text = text.translate(_NOISE).replace(",", ".")
    if len(text) > MAX_TEXT_CHARS:
        raise _too_long(bound, value)
    match = _NUMBER_RE.fullmatch(text)
    if match is None:
        expected = "nombre entier attendu" if bound.integer else "nombre attendu"
        raise NumberError(f"{bound.label} illisible « {_preview(value)} » ({expected}).")
    exponent = match.group(1)
    if exponent is not None and abs(int(exponent)) > MAX_EXPONENT:
        raise _out_of_range(bound, value)
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern only lets valid numbers through
        raise NumberError(f"{bound.label} illisible « {_preview(value)} » (nombre attendu).") from None


def parse_number(value, bound, french=True):
    """A cell (text, int, float, Decimal) → Decimal in ``bound``; None for an empty cell.

    Raises ``NumberError`` with a French reason otherwise. Rounds to ``bound.places`` decimals.
    ``french``: accept « 12 345,50 € » (spaces, unit, decimal comma); else only « 12345.50 » or
    « 12345,50 ».
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _to_decimal(value, bound, french)
    if number < bound.minimum:
        if number < 0 <= bound.minimum:
            raise NumberError(
                f"{bound.label} : valeur négative « {_preview(value)} » (positive ou nulle attendue)."
            )
        raise _out_of_range(bound, value)
    if number > bound.maximum:
        raise _out_of_range(bound, value)
    if bound.integer:
        if number != number.to_integral_value():
            raise NumberError(f"{bound.label} : nombre entier attendu, reçu « {_preview(value)} ».")
        return number.quantize(Decimal(1))
    if number.as_tuple().exponent < -bound.places:
        number = number.quantize(Decimal(1).scaleb(-bound.places), rounding=ROUND_HALF_UP)
    return number


def parse_integer(value, bound, truncate=False, french=True):
    """Like ``parse_number`` but an int; ``truncate``: drop the decimals instead of refusing them."""
    if truncate and bound.integer:
        bound = Bound(bound.label, bound.minimum, bound.maximum, places=6, unit=bound.unit)
    number = parse_number(value, bound, french)
    return None if number is None else int(number)


def json_int(digits):
    """``parse_int`` for ``json.loads``: a JSON integer beyond ``MAX_TEXT_CHARS`` digits stays text.

    Python refuses to convert more than 4,300 digits (a ValueError out of ``json.loads``, no position,
    English); kept as text, the number is refused by ``parse_number`` like any other, in French.
    """
    return int(digits) if len(digits) <= MAX_TEXT_CHARS else digits


def _too_long(bound, value):
    return NumberError(
        f"{bound.label} illisible « {_preview(value)} » (nombre trop long : "
        f"{MAX_TEXT_CHARS} caractères au plus)."
    )


def _out_of_range(bound, value=None):
    got = f" « {_preview(value)} »" if value is not None else ""
    return NumberError(
        f"{bound.label} hors limites{got} (entre {bound.shown(bound.minimum)} "
        f"et {bound.shown(bound.maximum)} attendu)."
    )


def _preview(value, size=30):
    text = str(value) if not isinstance(value, (dict, list)) else type(value).__name__
    text = text.replace("\x00", "␀")
    return text if len(text) <= size else text[:size] + "…"
