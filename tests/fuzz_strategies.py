"""Hypothesis strategies shared by the importer fuzz tests (issue 10: the probe, made part of the suite).

Each fuzz test builds files from these pieces — numbers beyond any column, impossible dates, NUL bytes,
formulas, wrong JSON types, deep nesting, duplicate headers, BOMs and other encodings, truncated or
inflating workbooks — runs the importer, and asserts that no exception escapes, that every message is
French, and that a refused import left the database as it was. Bounded (``max_examples``) so that the
whole probe stays within seconds.
"""

import io
import os
import re
import zipfile
from datetime import date, datetime

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# FUZZ_EXAMPLES=2000 for a long hunt; the suite's default keeps the four importers within ~20 s.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Words of Python's own messages (an exception's text, a traceback) that must never reach a user.
ENGLISH = re.compile(
    r"Traceback|[A-Z][a-z]+Error\b|Exception\b|invalid literal|could not convert|object has no"
)

NASTY_NUMBERS = [
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1e308",
    "-1e308",
    "1e999999",
    "1E-999999",
    "1e2000000",
    "9" * 400,
    str(2**70),
    str(2**31),
    "12²",
    "١٢",
    "1,5e3",
    "12 345,67 €",
    "-0",
    "-5",
    "0x10",
    "1_000",
    "--1",
    "1e",
    ".",
    "",
    " ",
    "\x00",
    "12\x00",
    "=1+1",
    "1000000000000",
    "999999999999.99",
    "1201",
    "300.001",
]
NASTY_DATES = [
    "2023-02-30",
    "2023-13-01",
    "0000-00-00",
    "9999-12-31",
    "31/02/2023",
    "13/2026",
    "2026-02",
    "02/2026",
    "1e9",
    "\x00",
    "2026-02-01T25:00:00Z",
]
NASTY_TEXTS = [
    '=HYPERLINK("http://x")',
    " =1+1",
    "＝1+1",
    "\x00",
    "a\x00b",
    "é" * 300,
    "D" * 60_000,  # « LIKE pattern too complex » on SQLite
    "\ufeff",
    "'; DROP TABLE x; --",
    "<script>alert(1)</script>",
    "%_\\",
    "Net\ud800toyage",  # a lone surrogate: neither database can encode it
]


def numbers():
    return st.one_of(
        st.sampled_from(NASTY_NUMBERS),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=0, max_value=5000).map(str),
    )


def dates_or_not():
    return st.one_of(
        st.sampled_from(NASTY_DATES),
        st.dates(min_value=date(1, 1, 1)).map(lambda d: d.isoformat()),
        st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)),
        st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    )


def texts():
    return st.one_of(st.sampled_from(NASTY_TEXTS), st.text(max_size=20))


def cells():
    return st.one_of(numbers(), dates_or_not(), texts(), st.none(), st.booleans())


def json_values(max_leaves=8):
    """Any JSON value: the wrong type for every field, sometimes nested."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(NASTY_NUMBERS + NASTY_DATES + NASTY_TEXTS[:6]),
        st.text(max_size=10),
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
        ),
        max_leaves=max_leaves,
    )


HUGE_INT = "9" * 5_000  # json.loads raises a bare ValueError (4,300 digits at most)


def deep_json(depth=5_000):
    return "[" * depth + "]" * depth


def encode(text, encoding):
    """Text → bytes in one of the encodings people send (BOMs included); unencodable → replaced."""
    if encoding == "utf-8-sig":
        return text.encode("utf-8-sig", "surrogatepass")
    return text.encode(encoding, "replace")


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"])


def csv_text(header, rows, delimiter=";"):
    def cell(value):
        text = "" if value is None else str(value)
        return text.replace(delimiter, ",") if len(text) < 1000 else text[:1000]

    return "\n".join(delimiter.join(cell(v) for v in row) for row in [header, *rows])


def xlsx_bytes(header, rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append([_xlsx_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value):
    if isinstance(value, str):
        value = value.encode("utf-8", "replace").decode("utf-8")  # no lone surrogate in a workbook
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32_000]
    if isinstance(value, int) and not -(2**53) < value < 2**53:
        return str(value)  # openpyxl writes it, Excel would not: as text
    if isinstance(value, datetime | date) and value.year < 1900:
        return value.isoformat()
    return value


def mangle(data, how, cut):
    """Damage a file the ways downloads and tools do: cut short, a byte flipped, NULs appended."""
    if how == "truncate":
        return data[: max(1, int(len(data) * cut))]
    if how == "flip":
        index = int(len(data) * cut) % max(1, len(data))
        return data[:index] + bytes([data[index] ^ 0xFF]) + data[index + 1 :] if data else data
    if how == "nul":
        return data + b"\x00" * 16
    return data


MANGLING = st.tuples(
    st.sampled_from(["none", "none", "none", "truncate", "flip", "nul"]), st.floats(0.05, 0.95)
)


def zip_bomb():
    """An .xlsx of ~100 Ko whose first sheet inflates to ~40 Mo (built once per test module)."""
    base = xlsx_bytes(["objet"], [])
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + row * 1_000_000
        + b"</sheetData></worksheet>"
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            target.writestr(
                info.filename, sheet if info.filename.endswith("sheet1.xml") else source.read(info)
            )
    return out.getvalue()


def assert_french(messages):
    for message in messages:
        assert isinstance(message, str) and message.strip(), message
        assert not ENGLISH.search(message), message
