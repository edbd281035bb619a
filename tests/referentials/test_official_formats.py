"""The official layouts: INSEE COG CSV files and the EU CPV spreadsheet (SIMAP)."""

import pytest
from openpyxl import Workbook

from dentelle.referentials.loaders import ReferenceFileError, load_referentials
from dentelle.referentials.models import Commune, CpvCode, Department


@pytest.mark.django_db
def test_cog_layout_is_detected_and_keeps_postcodes_and_coordinates(small_data, cog_data):
    load_referentials(small_data, wet_run=True, only=["geo"])
    before = Commune.objects.get(insee_code="93001")
    outcomes = load_referentials(cog_data, wet_run=True, only=["geo"])
    assert outcomes[0].committed, [str(p) for p in outcomes[0].report.problems]
    after = Commune.objects.get(insee_code="93001")
    assert after.postcodes == before.postcodes and after.latitude == before.latitude
    # Rows absent from the new COG are removed; déléguées take their parent's department.
    assert not Commune.objects.filter(insee_code="92036").exists()
    delegated = Commune.objects.get(insee_code="01340")
    assert (delegated.kind, delegated.department_id, delegated.region_id) == ("COMD", "01", "84")
    assert Commune.objects.get(insee_code="01015").other_names == "Arbignieu"
    assert Department.objects.get(code="93").name == "Seine-Saint-Denis"


def _simap_sheet(path, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["CODE", "BG", "EN", "FR"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)


@pytest.mark.django_db
def test_cpv_spreadsheet_layout_computes_level_and_parent(tmp_path, empty_referentials):
    folder = tmp_path / "cpv"
    folder.mkdir()
    _simap_sheet(
        folder / "cpv_2008_ver_2013.xlsx",
        [
            ["77000000-0", "…", "Agricultural services", "Services agricoles"],
            ["77300000-3", "…", "Horticultural services", "Services horticoles"],
            ["77310000-6", "…", "Planting and maintenance", "Réalisation et entretien d'espaces verts"],
            ["77311000-3", "…", "Maintenance of gardens", "Entretien des jardins"],
        ],
    )
    outcomes = load_referentials(tmp_path, wet_run=True, only=["cpv"])
    assert outcomes[0].committed
    code = CpvCode.objects.get(code="77311000")
    assert (code.check_digit, code.level, code.parent_id, code.label_en) == (
        "3",
        "categorie",
        "77310000",
        "Maintenance of gardens",
    )


@pytest.mark.django_db
def test_cpv_spreadsheet_with_bad_code_names_the_line(tmp_path, empty_referentials):
    (tmp_path / "cpv").mkdir()
    _simap_sheet(
        tmp_path / "cpv" / "cpv_2008_ver_2013.xlsx",
        [["77000000-0", "", "A", "Services agricoles"], ["77A", "", "B", "Mauvais"]],
    )
    before = CpvCode.objects.count()
    outcomes = load_referentials(tmp_path, wet_run=True, only=["cpv"])
    error = outcomes[0].report.errors[0]
    assert (error.line, error.file) == (3, "cpv_2008_ver_2013.xlsx")
    assert CpvCode.objects.count() == before


@pytest.mark.django_db
def test_cpv_spreadsheet_without_french_column_is_refused(tmp_path):
    (tmp_path / "cpv").mkdir()
    workbook = Workbook()
    workbook.active.append(["CODE", "EN"])
    workbook.save(tmp_path / "cpv" / "cpv_2008_ver_2013.xlsx")
    with pytest.raises(ReferenceFileError, match="colonne\\(s\\) manquante\\(s\\) : FR"):
        load_referentials(tmp_path, wet_run=True, only=["cpv"])
