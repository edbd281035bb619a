"""Workbook limits (core.spreadsheet): a zip bomb, an endless or a damaged sheet is refused fast, in French."""

import io
import time
import zipfile

import pytest

from dentelle.core import spreadsheet
from dentelle.core.spreadsheet import UPLOAD, SpreadsheetError, read_sheets
from tests.files import xlsx_bytes as workbook_bytes


def with_sheet_xml(data, sheet_xml):
    """The same workbook with its first sheet replaced by ``sheet_xml`` (bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            content = sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, content)
    return out.getvalue()


SHEET_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = b"</sheetData></worksheet>"


def bomb(rows, cells_per_row=1, dimension=None):
    row = b"".join(b'<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(cells_per_row))
    body = b"".join(b"<row>" + row + b"</row>" for _ in range(rows))
    head = SHEET_HEAD
    if dimension:
        head = head.replace(b"<sheetData>", f'<dimension ref="{dimension}"/><sheetData>'.encode())
    return with_sheet_xml(workbook_bytes([["objet"]]), head + body + SHEET_TAIL)


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    data = bomb(1_000_000)  # ~40 Mo of sheet XML in ~100 Ko
    assert len(data) < 2 * 1024 * 1024
    start = time.perf_counter()
    with pytest.raises(SpreadsheetError, match="décompressé dépasserait 30 Mo"):
        read_sheets(data, "bombe.xlsx")
    assert time.perf_counter() - start < 2


def test_too_many_rows_stop_the_reading(monkeypatch):
    data = bomb(1_200)
    start = time.perf_counter()
    with pytest.raises(SpreadsheetError, match="plus de 1\u202f000 lignes : découpez le fichier"):
        read_sheets(data, "long.xlsx", limits=spreadsheet.Limits(1_000, UPLOAD.max_uncompressed_bytes, 200))
    assert time.perf_counter() - start < 2


def test_a_sheet_claiming_16384_columns_gives_short_rows():
    data = bomb(10, dimension="A1:XFD1048576")
    ((_title, rows),) = read_sheets(data, "large.xlsx")
    assert len(rows) == 10 and all(len(row) <= spreadsheet.MAX_COLUMNS for row in rows)


def test_trailing_empty_rows_do_not_count():
    empty = b"".join(b"<row/>" for _ in range(50))
    data = with_sheet_xml(
        workbook_bytes([["objet"]]),
        SHEET_HEAD + b'<row><c t="inlineStr"><is><t>objet</t></is></c></row>' + empty + SHEET_TAIL,
    )
    ((_title, rows),) = read_sheets(data, "x.xlsx", limits=spreadsheet.Limits(10, 10**8, 200))
    assert rows == [["objet"]]


@pytest.mark.parametrize(
    "mangle",
    [
        lambda data: data[: len(data) // 2],
        lambda data: with_sheet_xml(data, b"<worksheet><sheetData><row>"),  # XML cut short
    ],
    ids=["truncated", "bad-xml"],
)
def test_damaged_workbooks_get_one_french_message(mangle):
    with pytest.raises(SpreadsheetError) as caught:
        read_sheets(mangle(workbook_bytes([["objet"], ["Nettoyage"]])), "abimé.xlsx")
    assert str(caught.value).startswith("abimé.xlsx : ")
    assert "Error" not in str(caught.value)


def test_a_damaged_deflate_stream_gets_the_french_message():
    data = bytearray(workbook_bytes([["objet"], ["Nettoyage"] * 50]))
    source = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = source.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + 2, start + 12):
        data[offset] ^= 0xFF  # zlib.error (« invalid stored block lengths ») or a bad CRC
    with pytest.raises(SpreadsheetError, match="endommagé ou incomplet"):
        read_sheets(bytes(data), "abimé.xlsx")
