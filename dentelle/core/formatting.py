# pure: no database
"""One French number format for everything users read: pages, exports' labels, messages.

Pure module (no Django): "110 000 000 €", "64 533 h", "12,5 %", thousands grouped with a narrow
no-break space (U+202F, French typography) and a decimal comma.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

THIN_SPACE = "\u202f"
MISSING = "—"


def _as_decimal(value):
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def format_number(value, decimals=0):
    """12345.678 → "12 346" (decimals=0) or "12 345,68" (decimals=2); unreadable → "—"."""
    number = _as_decimal(value)
    if number is None:
        return MISSING
    quantum = Decimal(1).scaleb(-decimals)
    rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)  # 0.5 → 1, as users count
    if rounded == 0:
        rounded = abs(rounded)  # no "-0"
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", THIN_SPACE).replace(".", ",")


def grouped_int(value):
    """A whole number grouped by thousands, fast (the scanner writes it in reasons lot after lot):
    9500 → "9 500"."""
    return f"{int(value):,}".replace(",", THIN_SPACE)


def format_value(value, max_decimals=6):
    """A parameter as written, grouped: 170000 → "170 000", 0.45 → "0,45", 28.5 → "28,5" (its own
    decimals, at most max_decimals); text that is not a number is returned as is."""
    number = _as_decimal(value)
    if number is None:
        return MISSING if value is None or value == "" else str(value)
    exponent = number.normalize().as_tuple().exponent
    decimals = min(max(-exponent, 0), max_decimals) if isinstance(exponent, int) else 0
    return format_number(number, decimals)


def format_amount(value, decimals=0):
    """Amount in euros: 110000000 → "110 000 000 €"."""
    text = format_number(value, decimals)
    return text if text == MISSING else f"{text}{THIN_SPACE}€"


def format_hours(value):
    """Insertion hours, whole: 64533.4 → "64 533 h"."""
    text = format_number(value, 0)
    return text if text == MISSING else f"{text}{THIN_SPACE}h"


def format_percent(value, decimals=1):
    """A percentage already in percent: 12.54 → "12,5 %"."""
    text = format_number(value, decimals)
    return text if text == MISSING else f"{text}{THIN_SPACE}%"


def format_share(value, decimals=1):
    """A share between 0 and 1: 0.125 → "12,5 %"; ``decimals=None``: its own decimals (0.05 → "5 %",
    0.045 → "4,5 %", at most 2)."""
    number = _as_decimal(value)
    if number is None:
        return MISSING
    if decimals is None:
        return f"{format_value(number * 100, max_decimals=2)}{THIN_SPACE}%"
    return format_percent(number * 100, decimals)
