"""Issue 10, defects 2 and 10 for declaration files: date cells, damaged workbooks and unreadable
numbers give French row or file errors, never a traceback, and nothing is stored."""

import io
import zipfile
from datetime import datetime

import pytest

from dentelle.core.importing import run_import
from dentelle.insertion.importer import FileProblem, import_declarations
from dentelle.insertion.models import HoursDeclaration
from tests.files import xlsx_bytes

HEADER = ["Marché", "Mois", "Modalité", "Bénéficiaire", "Heures"]


def xlsx(rows):
    return xlsx_bytes([HEADER, *rows])


def run(data, filename="declarations.xlsx"):
    return run_import(import_declarations, wet_run=True, stream=io.BytesIO(data), filename=filename)


@pytest.mark.django_db
def test_a_date_cell_in_mois_is_read_as_its_month(contract, beneficiary):
    report, committed = run(
        xlsx([["M-001", datetime(2026, 3, 17, 0, 0), "DIRECT_HIRE", beneficiary.pseudonym, 10]])
    )
    assert committed, report.errors
    assert HoursDeclaration.objects.get().month.isoformat() == "2026-03-01"


@pytest.mark.django_db
def test_a_date_cell_out_of_range_is_a_row_error(contract, beneficiary):
    report, committed = run(xlsx([["M-001", datetime(1900, 1, 1), "DIRECT_HIRE", beneficiary.pseudonym, 10]]))
    assert not committed
    assert [(p.line, p.column) for p in report.errors] == [(2, "mois")]


@pytest.mark.django_db
@pytest.mark.parametrize("hours", ["1e999999", "1e20", 1e308, "NaN", "Infinity", "9" * 400, 2**70])
def test_unreadable_or_huge_hours_are_row_errors(contract, beneficiary, hours):
    report, committed = run(xlsx([["M-001", "2026-02", "DIRECT_HIRE", beneficiary.pseudonym, hours]]))
    assert not committed and not HoursDeclaration.objects.exists()
    assert [(p.line, p.column) for p in report.errors] == [(2, "heures")]


def _deflate_damaged(data):
    data = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + 2, start + 12):
        data[offset] ^= 0xFF
    return bytes(data)


def _bad_xml(data):
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/workbook.xml":
                content = content[: len(content) // 2]
            target.writestr(info.filename, content)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("damage", [_deflate_damaged, _bad_xml], ids=["zlib-error", "xml-parse-error"])
def test_damaged_workbooks_are_french_file_problems(damage):
    with pytest.raises(FileProblem) as caught:
        run(damage(xlsx([["M-001", "2026-02", "DIRECT_HIRE", "X", 10]] * 20)))
    assert "endommagé ou incomplet" in str(caught.value)


@pytest.mark.django_db
def test_a_nul_character_is_a_french_file_problem(contract, beneficiary):
    data = f"marche;mois;modalite;beneficiaire;heures\nM-001;2026-02;DIRECT_HIRE;{beneficiary.pseudonym}\x00;10\n"
    with pytest.raises(FileProblem, match="caractère nul"):
        run(data.encode(), "declarations.csv")
