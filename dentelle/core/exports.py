"""CSV and XLSX exports safe against formula injection (a cell never starts a formula)."""

import csv
import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# Spreadsheets skip these before looking for a formula sign: spaces (including the non-breaking and
# ideographic ones), zero-width characters and the byte-order mark.
_IGNORED_LEAD = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]*")


def neutralise(value):
    """Prefix text that a spreadsheet would read as a formula with an apostrophe.

    The sign may follow spaces (« =1+1 », a non-breaking space) or be a full-width or small form
    (« ＝ », « ﹢ »): NFKC folds those onto = + - @.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    start = _IGNORED_LEAD.match(value).end()
    first = value[start : start + 1]
    if first and unicodedata.normalize("NFKC", first)[:1] in FORMULA_PREFIXES[:4]:
        return "'" + value
    return value


def csv_bytes(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise("" if v is None else v) for v in row])
    # BOM so that Excel opens UTF-8 French text correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


SHEET_TITLE_CHARS = 31  # Excel's limit


def short_title(title):
    """A sheet name within Excel's 31 characters, cut where a reader expects it: a trailing « (…) » goes
    first, then whole words (« Par public éligible (un bénéficiaire peut…) » → « Par public éligible »)."""
    title = str(title).strip()
    if len(title) <= SHEET_TITLE_CHARS:
        return title
    bare = re.sub(r"\s*\([^)]*\)?\s*$", "", title).strip()
    if bare and len(bare) <= SHEET_TITLE_CHARS:
        return bare
    cut = bare[: SHEET_TITLE_CHARS + 1].rsplit(" ", 1)[0] if " " in bare[:SHEET_TITLE_CHARS] else ""
    return (cut or bare)[:SHEET_TITLE_CHARS].strip()


def xlsx_bytes(sheets, streamed=False):
    """sheets: list of (title, header, rows). Strings are written as text, never formulas.

    ``streamed=True`` streams each sheet's XML straight into the archive, 1,000 rows at a time: for
    large tables (thousands of rows). openpyxl, even in its own write-only mode, serialises cell by cell
    through et_xmlfile (no lxml here): 4–8 × slower on our exports (bench/bench_xlsx.py, ADR 0003).
    Same output for a reader: text cells, numbers, booleans, dates, a bold header row.
    """
    if streamed:
        return _streamed_xlsx(sheets)
    # Imported here: openpyxl costs about 0.5 s of imports, and most callers (`dentelle scan --out
    # report.json`, CSV exports) never build a workbook.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=short_title(title))
        sheet.append([neutralise(h) for h in header])
        for row in rows:
            sheet.append([neutralise(v) for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Streamed SpreadsheetML (the minimal parts of an .xlsx package) ---------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
# XML 1.0 forbids these control characters; openpyxl refuses them, here they are dropped.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# Style indexes of styles.xml below: 0 plain, 1 bold (header), 2 date, 3 date and time.
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_MAIN}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def _text_cell(ref, text, style):
    text = escape(_ILLEGAL_XML.sub("", text))
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<c r="{ref}" t="inlineStr"{style}><is><t{space}>{text}</t></is></c>'


def _cell(ref, value, style=""):
    """One <c> element; None and "" give no cell (as openpyxl). Text is never a formula (no <f>)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return _text_cell(ref, neutralise(value), style)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{style}><v>{int(value)}</v></c>'
    if isinstance(value, int) or (isinstance(value, (float, Decimal)) and math.isfinite(value)):
        return f'<c r="{ref}"{style}><v>{value}</v></c>'
    if isinstance(value, dt.datetime):
        serial = (value.replace(tzinfo=None) - _EXCEL_EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="3"><v>{serial}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="2"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>'
    return _text_cell(ref, neutralise(str(value)), style)


SHEET_CHUNK_ROWS = 1000  # rows of sheet XML built before they go to the archive: memory stays flat


def _sheet_xml(header, rows):
    """The sheet's XML in pieces of ``SHEET_CHUNK_ROWS`` rows (a 100,000-row sheet whole is 250–400 Mo)."""
    # lazy: openpyxl costs 0.4 s of imports (see xlsx_bytes)
    from openpyxl.utils import get_column_letter

    width = max([len(header), *(len(row) for row in rows)]) if rows else len(header)
    letters = [get_column_letter(i + 1) for i in range(width)]
    head = "".join(_cell(f"{letters[i]}1", h, ' s="1"') for i, h in enumerate(header))
    parts = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}"><sheetData>'
        f'<row r="1">{head}</row>'
    ]
    for number, row in enumerate(rows, start=2):
        cells = "".join(_cell(f"{letters[i]}{number}", value) for i, value in enumerate(row))
        parts.append(f'<row r="{number}">{cells}</row>')
        if len(parts) >= SHEET_CHUNK_ROWS:
            yield "".join(parts)
            parts = []
    parts.append("</sheetData></worksheet>")
    yield "".join(parts)


def _sheet_titles(sheets):
    titles = []
    for title, _header, _rows in sheets:
        base = short_title(_BAD_TITLE.sub(" ", _ILLEGAL_XML.sub("", str(title))).strip("' ")) or "Feuille"
        name, n = base, 1
        while name.lower() in (t.lower() for t in titles):
            n += 1
            name = f"{base[: 31 - len(str(n)) - 1]} {n}"
        titles.append(name)
    return titles


def _streamed_xlsx(sheets):
    titles = _sheet_titles(sheets)
    count = len(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>{overrides}</Types>'
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    sheet_list = "".join(
        f'<sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
        for n, title in enumerate(titles, start=1)
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" '
        f'xmlns:r="{_REL}"><sheets>{sheet_list}</sheets></workbook>'
    )
    workbook_rels = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
        f'{workbook_rels}<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
    buffer = io.BytesIO()
    # Level 1: the sheet XML is repetitive, level 1 already gains most of it, at a fraction of the time.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/styles.xml", _STYLES)
        for n, (_title, header, rows) in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w") as part:
                for piece in _sheet_xml(header, list(rows)):
                    part.write(piece.encode("utf-8"))
    return buffer.getvalue()
