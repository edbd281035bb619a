"""File downloads (CSV, XLSX, JSON): the one response builder of the pages and the API.

Every download goes out the same way: its content type; ``Content-Disposition: attachment`` with a name
any browser reads (RFC 6266: an ASCII ``filename=``, and when the name needs more than that, the exact
name in ``filename*=UTF-8''…``); ``X-Content-Type-Options: nosniff``; and Django's "never cache" headers,
as the files carry an organisation's data behind a login (no browser or shared cache keeps them).
Tables are written by ``dentelle.core.exports``, which protects every cell against formula injection.
"""

import re
from pathlib import PurePosixPath
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

from dentelle.core.exports import csv_bytes, xlsx_bytes
from dentelle.core.logs import mark_export
from dentelle.core.text import ascii_fold

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OCTET_STREAM = "application/octet-stream"
DEFAULT_NAME = "telechargement"

# Never in a name, even the UTF-8 one: control characters and path separators.
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f/\\]+")
# Kept in the ASCII name: letters, digits, spaces and signs that need no quoting in a header or on disk.
_NOT_PLAIN = re.compile(r"[^A-Za-z0-9 ._()+,=@~!#$&'-]+")
# RFC 5987 attr-char, besides letters and digits (which quote() always keeps): "_.-~" are kept too.
_ATTR_CHARS = "!#$&+^`|"


def _ascii_char(char):
    if char.isascii():
        return char
    folded = ascii_fold(char) or "_"  # « é » → « e », « Œ » → « OE », « € » → « _ »
    return folded.upper() if char.isupper() else folded


def ascii_filename(filename):
    """An ASCII name for ``filename=``: « Bilan « été » 2026.xlsx » → « Bilan _ ete _ 2026.xlsx »."""
    folded = "".join(_ascii_char(char) for char in _FORBIDDEN.sub("_", filename))
    plain = " ".join(_NOT_PLAIN.sub("_", folded).split()).strip(" .")
    if not PurePosixPath(plain).stem.strip("_"):
        return DEFAULT_NAME + PurePosixPath(plain).suffix
    return plain


def content_disposition(filename):
    """The Content-Disposition of an attachment named ``filename`` (RFC 6266)."""
    exact = _FORBIDDEN.sub("_", str(filename)).strip(" .") or DEFAULT_NAME
    fallback = ascii_filename(exact)
    header = f'attachment; filename="{fallback}"'
    if fallback != exact:
        header += f"; filename*=UTF-8''{quote(exact, safe=_ATTR_CHARS)}"
    return header


def download_response(content, filename, kind=None, *, content_type=None, export=None, rows=None):
    """``content`` (bytes) as an attachment named ``filename``. ``kind`` (csv, xlsx, json) gives the
    content type, by default the name's suffix; ``content_type`` overrides it (a stored file's own).
    ``export`` and ``rows`` name what it holds for the ``event=export`` log line (``core.logs``)."""
    kind = kind or PurePosixPath(filename).suffix.lstrip(".").lower()
    if content_type is None:
        content_type = CONTENT_TYPES.get(kind, OCTET_STREAM)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    if export is not None:
        mark_export(response, export, "?" if rows is None else rows)
    return response


def table_response(fmt, sheet_title, header, rows, filename, streamed=False, export=None):
    """One table as a CSV or an XLSX attachment named ``filename.fmt`` (``fmt`` checked by the caller)."""
    if fmt == "xlsx":
        content = xlsx_bytes([(sheet_title, header, rows)], streamed)
    elif fmt == "csv":
        content = csv_bytes(header, rows)
    else:
        raise ValueError(f"Format de tableau inconnu : {fmt}")
    return download_response(content, f"{filename}.{fmt}", fmt, export=export, rows=len(rows))
