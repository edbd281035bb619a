"""Directory exports: a fixed number of queries whatever the size, and the streamed XLSX writer."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dentelle.core.exports import xlsx_bytes
from dentelle.siaes.exports import HEADER, siae_rows
from dentelle.siaes.models import Convention, Siae
from tests.factories import SiaeFactory, with_competences


class Regions:
    """The only part of the referential index the export reads."""

    calls = 0

    def region_name(self, code):
        self.calls += 1
        return {"11": "Île-de-France", "84": "Auvergne-Rhône-Alpes"}.get(code)


@pytest.mark.django_db
def test_export_rows_take_two_queries_whatever_the_number_of_structures(django_assert_num_queries):
    first = with_competences(
        SiaeFactory(name="A Jardins", kind="EI", website="https://a.example"), "7731", "45"
    )
    Convention.objects.create(siae=first, kind="ACI", asp_id="1", source="test")
    with_competences(SiaeFactory(name="B Ateliers", in_ain=True, offers_goods_production=True), "9091")
    queryset = Siae.objects.order_by("name", "pk")
    with django_assert_num_queries(2):  # the rows, and the competences of all of them
        header, rows = siae_rows(queryset, Regions())
    assert header == HEADER and len(rows) == 2
    jardins = dict(zip(HEADER, rows[0], strict=True))
    assert jardins["Raison sociale"] == "A Jardins" and jardins["Type"] == "Entreprise d'insertion (EI)"
    assert jardins["Compétences (préfixes CPV)"] == "45 7731" and jardins["Région"] == "Île-de-France"
    assert jardins["Site internet"] == "https://a.example" and jardins["Active"] == "oui"
    ateliers = dict(zip(HEADER, rows[1], strict=True))
    assert ateliers["Région"] == "Auvergne-Rhône-Alpes" and ateliers["Fabrication et vente"] == "oui"
    assert ateliers["Prestation de service"] == "non" and ateliers["Latitude"] == 45.96
    for n in range(25):
        with_competences(SiaeFactory(name=f"C {n}"), "9091", "7731")
    regions = Regions()
    with django_assert_num_queries(2):
        _header, rows = siae_rows(queryset, regions)
    assert len(rows) == 27 and regions.calls == 2  # one look-up per region, not per row
    with django_assert_num_queries(2):
        _header, rows = siae_rows(queryset, Regions(), limit=3)
    assert [row[1] for row in rows] == ["A Jardins", "B Ateliers", "C 0"]


def _read(content):
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in workbook}


def test_streamed_xlsx_reads_back_like_openpyxl_and_holds_no_formula():
    rows = [
        ['=HYPERLINK("http://x")', "+33 1", "-2", "@SUM(A1)", " espace ", "a & <b> \"c\" 'd'"],
        [12, 3.5, Decimal("1234.56"), True, False, None],
        ["", dt.date(2026, 11, 25), dt.datetime(2026, 11, 25, 14, 30), "Île-de-France", "ok", 10**12],
    ]
    sheets = [("Structures", ["nom", "=x", "c", "d", "e", "f"], rows), ("Synthèse", ["Indicateur"], [[1]])]
    expected, streamed = _read(xlsx_bytes(sheets)), _read(xlsx_bytes(sheets, streamed=True))
    assert streamed == expected
    assert streamed["Structures"][1][:4] == ['\'=HYPERLINK("http://x")', "'+33 1", "'-2", "'@SUM(A1)"]
    assert streamed["Structures"][0][1] == "'=x"
    workbook = load_workbook(io.BytesIO(xlsx_bytes(sheets, streamed=True)))
    sheet = workbook["Structures"]
    assert all(cell.font.b for cell in sheet[1]) and not sheet["A2"].font.b
    assert sheet["A2"].data_type == "s" and sheet["B3"].data_type == "n" and sheet["D3"].data_type == "b"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_streamed_xlsx_drops_characters_xml_forbids_and_fixes_sheet_titles():
    content = xlsx_bytes(
        [
            ("Lots: 2026/27 [brouillon]" + "x" * 40, ["a"], [["nul\x00 et bip\x07"]]),
            ("Lots: 2026/27 [brouillon]" + "x" * 40, ["b"], []),
        ],
        streamed=True,
    )
    workbook = load_workbook(io.BytesIO(content))
    first, second = workbook.sheetnames
    assert len(first) <= 31 and not set("[]:*?/\\") & set(first) and first.startswith("Lots  2026 27")
    assert second != first and len(second) <= 31
    assert workbook[first]["A2"].value == "nul et bip"


@pytest.mark.django_db
def test_export_pages_serve_the_whole_directory(client, reader, index):
    for n in range(30):
        with_competences(SiaeFactory(name=f"Structure {n:02d}"), "7731")
    client.force_login(reader)
    response = client.get(reverse("siaes:export", args=["xlsx"]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == tuple(HEADER) and len(rows) == 31
    assert rows[1][1] == "Structure 00" and rows[1][11] == "Île-de-France" and rows[1][14] == "7731"
    assert response["Content-Disposition"].startswith('attachment; filename="annuaire-siae-')
