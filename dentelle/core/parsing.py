# pure: no database
"""Dates read from files (pure, stdlib only): one reading of « AAAA-MM-JJ » for every importer.

Numbers have theirs in :mod:`dentelle.core.numbers` (``parse_number``: French formats, bounds, NaN).
A date that does not exist (2023-02-30) raises :class:`DateError`, a ``ValueError`` whose French
``reason`` the importers turn into a row problem (line, column, reason) instead of stopping.
"""

import datetime as dt
import re

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class DateError(ValueError):
    """The text holds a date that does not exist; ``reason`` is French."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def iso_date(text):
    """The AAAA-MM-JJ date that starts ``text`` (« 2023-02-01T10:00:00Z » → 2023-02-01); None when
    ``text`` is not a string starting with one; :class:`DateError` when that date does not exist."""
    match = _ISO_DATE.match(text) if isinstance(text, str) else None
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise DateError(f"date impossible {match.group(0)!r}") from None
