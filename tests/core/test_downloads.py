"""The one download helper (dentelle/core/downloads.py): names, types and headers, without a database."""

import io
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from dentelle.core.downloads import (
    CONTENT_TYPES,
    ascii_filename,
    content_disposition,
    download_response,
    table_response,
)

# RFC 6266: disposition-type, then filename="…" (quoted-string) and, optionally, filename*=UTF-8''…
HEADER = re.compile(
    r"^attachment; filename=\"(?P<ascii>[^\"\\\x00-\x1f\x7f]*)\"(; filename\*=UTF-8''(?P<ext>\S+))?$"
)
ATTR_CHAR = re.compile(r"^(?:[A-Za-z0-9!#$&+.^_`|~-]|%[0-9A-F]{2})+$")  # RFC 5987 value-chars


def parsed(filename):
    header = content_disposition(filename)
    match = HEADER.match(header)
    assert match, header
    ext = match["ext"]
    if ext is not None:
        assert ATTR_CHAR.match(ext), ext
    return match["ascii"], None if ext is None else unquote(ext, encoding="utf-8", errors="strict")


@pytest.mark.parametrize(
    ("filename", "fallback", "exact"),
    [
        ("programmation-12.json", "programmation-12.json", None),
        ("retrospective-donn-es-2019.xlsx", "retrospective-donn-es-2019.xlsx", None),
        (
            "bilan-clauses-sociales-été.xlsx",
            "bilan-clauses-sociales-ete.xlsx",
            "bilan-clauses-sociales-été.xlsx",
        ),
        ("Œuvre d’art.csv", "OEuvre d_art.csv", "Œuvre d’art.csv"),
        ('rapport "final".csv', "rapport _final_.csv", 'rapport "final".csv'),
        ("a\\b;c.csv", "a_b_c.csv", "a_b;c.csv"),
        ("l'annuaire, 2026.csv", "l'annuaire, 2026.csv", None),
        ("€.xlsx", "telechargement.xlsx", "€.xlsx"),
        ("../../etc/passwd", "_.._etc_passwd", None),
        ("x\r\nSet-Cookie: a=b.json", "x_Set-Cookie_ a=b.json", "x_Set-Cookie: a=b.json"),
    ],
    ids=[
        "ascii-plain",
        "ascii-already-cleaned",
        "accents",
        "ligature-and-curly-apostrophe",
        "double-quotes",
        "backslash-and-semicolon",
        "apostrophe-and-comma-stay",
        "nothing-ascii-left",
        "path-separators",
        "header-injection",
    ],
)
def test_rfc6266_filename(filename, fallback, exact):
    assert parsed(filename) == (fallback, exact)


def test_ascii_filename_is_always_plain_ascii():
    for name in ["Évry – été 2026 (v2).xlsx", "ﬁchier™.csv", "日本.json", "  .hidden. ", "«».csv"]:
        fallback = ascii_filename(name)
        assert fallback.isascii() and fallback and '"' not in fallback and "\\" not in fallback, name
        assert not fallback.startswith((" ", ".")) and not fallback.endswith((" ", ".")), name


@pytest.mark.parametrize(
    ("filename", "kind", "content_type"),
    [
        ("annuaire.csv", "csv", "text/csv; charset=utf-8"),
        ("annuaire.xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("decp_v2_export.json", "json", "application/json; charset=utf-8"),
        ("programmation-3.JSON", None, "application/json; charset=utf-8"),
        ("bilan.xlsx", None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("archive.zip", None, "application/octet-stream"),
        ("sans-suffixe", None, "application/octet-stream"),
    ],
    ids=["csv", "xlsx", "json", "json-from-suffix", "xlsx-from-suffix", "unknown-suffix", "no-suffix"],
)
def test_content_type_by_kind_or_suffix(filename, kind, content_type):
    response = download_response(b"data", filename, kind)
    assert response["Content-Type"] == content_type
    assert response.content == b"data"


def test_a_stored_content_type_wins():
    response = download_response(b"<svg/>", "carte.xlsx", content_type="image/svg+xml")
    assert response["Content-Type"] == "image/svg+xml"


def test_headers_of_every_download():
    response = download_response(b"{}", "décisions.json")
    assert response["X-Content-Type-Options"] == "nosniff"
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "no-cache", "private", "max-age=0", "must-revalidate"} <= cache
    assert "Expires" in response
    assert response["Content-Disposition"] == content_disposition("décisions.json")


def test_csv_table_is_protected_against_formulas():
    response = table_response("csv", "Feuille", ["Nom", "=Total"], [["=1+1", "@SOMME(A1)"], ["ok", 3]], "t")
    assert response["Content-Type"] == CONTENT_TYPES["csv"]
    assert response["Content-Disposition"] == 'attachment; filename="t.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff") and text.splitlines() == [
        "\ufeffNom;'=Total",
        "'=1+1;'@SOMME(A1)",
        "ok;3",
    ]


@pytest.mark.parametrize("streamed", [False, True], ids=["openpyxl", "streamed"])
def test_xlsx_table_is_protected_against_formulas(streamed):
    response = table_response("xlsx", "Structures", ["Nom"], [['=HYPERLINK("x")'], ["+33 1"]], "a", streamed)
    assert response["Content-Type"] == CONTENT_TYPES["xlsx"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet["A"]] == ["Nom", '\'=HYPERLINK("x")', "'+33 1"]
    assert all(cell.data_type != "f" for cell in sheet["A"])


def test_unknown_table_format_is_refused():
    with pytest.raises(ValueError, match="inconnu"):
        table_response("ods", "Feuille", ["Nom"], [], "t")


def test_no_download_is_built_by_hand():
    """Every attachment goes through download_response: no other module writes Content-Disposition."""
    root = Path(__file__).resolve().parents[2] / "dentelle"
    by_hand = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if re.search(r"\[\s*[\"']Content-Disposition[\"']\s*\]\s*=", path.read_text(encoding="utf-8"))
        and path.name != "downloads.py"
    ]
    assert by_hand == []
