# pure: no database
"""Read uploaded workbooks (.xlsx) within limits: no zip bomb, no endless sheet, one French message.

An .xlsx is a ZIP archive of XML parts. Before openpyxl opens it, the archive's directory is read:
the uncompressed size of its parts (``zipfile`` never inflates a part beyond the size its directory
declares, so the sum is a true bound) must stay under ``MAX_UNCOMPRESSED_BYTES``. Rows are then read
lazily (openpyxl ``read_only``) and at most ``MAX_ROWS`` rows of ``MAX_COLUMNS`` cells are kept, so a
sheet whose dimension claims a million rows or 16,384 columns costs nothing. Any other failure of
openpyxl, zipfile, zlib or the XML parser becomes ``xlsx_error_message``.
"""

import io
import zipfile
from dataclasses import dataclass

from dentelle.core.file_errors import xlsx_error_message

MAX_UNCOMPRESSED_BYTES = 30 * 1024 * 1024  # a 20,000-row plan: about 12 Mo of sheet XML
MAX_ROWS = 20_000  # rows of one sheet, header included (a plan or a month of declarations: far fewer)
MAX_COLUMNS = 200


@dataclass(frozen=True)
class Limits:
    max_rows: int
    max_uncompressed_bytes: int
    max_columns: int


# A file sent through a page (preview, upload): what a person can check on screen.
UPLOAD = Limits(MAX_ROWS, MAX_UNCOMPRESSED_BYTES, MAX_COLUMNS)
# A file given on the command line, on the machine itself: Excel's own limits.
LOCAL = Limits(1_048_576, 2 * 1024 * 1024 * 1024, 16_384)


class SpreadsheetError(ValueError):
    """The workbook cannot be read, or exceeds a limit; the message is French and names the file."""


def too_many_rows_message(name, limit=MAX_ROWS):
    return (
        f"{name} : plus de {limit:,} lignes".replace(",", "\u202f")
        + " : découpez le fichier en plusieurs envois (ou supprimez les lignes vides en fin de feuille), "
        "puis réessayez."
    )


def check_archive(data, name, limit=MAX_UNCOMPRESSED_BYTES):
    """Refuse an archive that is not one, or that would inflate beyond ``limit`` bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except Exception:  # BadZipFile, a truncated directory, a bad offset…: one French message
        raise SpreadsheetError(xlsx_error_message(name, data)) from None
    if total > limit:
        raise SpreadsheetError(
            f"{name} : le classeur décompressé dépasserait {limit // (1024 * 1024)} Mo "
            f"({total // (1024 * 1024)} Mo annoncés) : enregistrez-le en .csv ou découpez-le, puis réessayez."
        )


def open_workbook(data, name, limits=UPLOAD):
    """A read-only openpyxl workbook, after ``check_archive``; ``SpreadsheetError`` otherwise."""
    # lazy: openpyxl costs 0.4 s of imports; only a workbook upload needs it
    from openpyxl import load_workbook

    check_archive(data, name, limits.max_uncompressed_bytes)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl, zipfile, zlib and XML raise many kinds on a bad file
        raise SpreadsheetError(xlsx_error_message(name, data)) from None


def iter_sheet_rows(sheet, data, name, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS):
    """Yield each row of ``sheet`` as a list (at most ``max_columns`` cells); ``SpreadsheetError``
    on a damaged sheet or beyond ``max_rows`` rows. Trailing empty rows do not count."""
    pending_empty = 0
    count = 0
    try:
        # openpyxl pads every row to ``max_col``: the sheet's own width when it declares a small one.
        width = getattr(sheet, "max_column", None)
        width = min(width, max_columns) if isinstance(width, int) and width > 0 else max_columns
        for row in sheet.iter_rows(values_only=True, max_col=width):
            row = list(row)
            while row and row[-1] is None:  # padding, not data
                row.pop()
            if not row:
                pending_empty += 1  # a sheet formatted down to row 1,048,576 is not a long sheet
                if pending_empty > max_rows:
                    return
                continue
            # « _x0000_ » in a cell is unescaped to NUL by openpyxl: PostgreSQL cannot store it.
            row = [v.replace("\x00", "") if isinstance(v, str) else v for v in row]
            count += pending_empty + 1
            if count > max_rows:
                raise SpreadsheetError(too_many_rows_message(name, max_rows))
            for _ in range(pending_empty):
                yield []
            pending_empty = 0
            yield row
    except SpreadsheetError:
        raise
    except Exception:  # read_only parses lazily: a damaged sheet fails while its rows are read
        raise SpreadsheetError(xlsx_error_message(name, data)) from None


def read_sheets(data, name, max_sheets=2, limits=UPLOAD):
    """[(title, [rows])] of the first ``max_sheets`` sheets, within the limits."""
    workbook = open_workbook(data, name, limits)
    try:
        try:
            sheets = workbook.worksheets[:max_sheets]
        except Exception:  # boundary: openpyxl reads the workbook's parts lazily and raises many kinds
            raise SpreadsheetError(xlsx_error_message(name, data)) from None
        return [
            (sheet.title, list(iter_sheet_rows(sheet, data, name, limits.max_rows, limits.max_columns)))
            for sheet in sheets
        ]
    finally:
        workbook.close()
