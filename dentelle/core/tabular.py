# pure: no database
"""Delimited text files as buyers and public sources save them: encoding, delimiter, header row.

One rule for every reader (plans, sites, SIAE lists, clause declarations, reference files): a file
is decoded with the first encoding of ``encodings`` that reads it (UTF-8 with or without BOM, then
Windows-1252, what a French spreadsheet writes by default); the delimiter is the most frequent of
``;``, ``,`` and tab at the top of the file, ``;`` on a tie (the French default). Workbooks are read
by ``core.spreadsheet``.
"""

import csv
import io

from dentelle.core.file_errors import has_nul, nul_error_message

UTF8 = ("utf-8-sig",)  # sources published in UTF-8 only (ASP, reference files): anything else is refused
ENCODINGS = ("utf-8-sig", "cp1252")  # files saved by a spreadsheet: UTF-8 or Windows-1252
DELIMITERS = (";", ",", "\t")
SNIFF_CHARS = 5000  # the top of the file: headers and a few rows
HEADER_SCAN_ROWS = 15  # a title, a date or notes may sit above the headers


class TabularError(ValueError):
    """The file cannot be read as text; the message is French and names the file (``line``: where)."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.line = line


def encoding_message(name, encodings, line=None):
    expected = "UTF-8 ou Windows-1252" if "cp1252" in encodings else "UTF-8"
    where = f", ligne {line}" if line is not None else ""
    return (
        f"{name} : encodage non reconnu ({expected} attendu{where}) : enregistrez le fichier en UTF-8 "
        "(« CSV UTF-8 » dans un tableur), puis réessayez."
    )


def decode(data, name, encodings=ENCODINGS):
    """Text of ``data`` (bytes; text passes through), NUL bytes refused; ``TabularError`` otherwise."""
    if isinstance(data, str):
        text = data
    else:
        text, line = None, None
        for encoding in encodings:
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1 if line is None else line
        if text is None:
            raise TabularError(encoding_message(name, encodings, line), line)
    if has_nul(text):
        raise TabularError(nul_error_message(name, text))
    return text


def sniff_delimiter(text):
    """The delimiter of a CSV text: the most frequent of ``DELIMITERS`` at its top, ``;`` on a tie."""
    sample = text[:SNIFF_CHARS]
    return max(DELIMITERS, key=lambda delimiter: (sample.count(delimiter), -DELIMITERS.index(delimiter)))


def csv_reader(text, delimiter=None, **options):
    """A ``csv.reader`` over ``text`` with its sniffed delimiter (``reader.line_num`` tells the line)."""
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or sniff_delimiter(text), **options)


def find_header_row(rows, score, scan=HEADER_SCAN_ROWS):
    """Index of the header row among the first ``scan`` rows: the one ``score(row)`` rates highest
    (None: not a header). 0 when no row qualifies: the caller then reports the missing columns."""
    best, best_score = 0, None
    for index, row in enumerate(rows[:scan]):
        value = score(row)
        if value is not None and (best_score is None or value > best_score):
            best, best_score = index, value
    return best
