import io

import pytest
from openpyxl import load_workbook

from dentelle.core.exports import csv_bytes, neutralise, xlsx_bytes
from dentelle.core.importing import ImportReport, run_import
from dentelle.core.validators import clean_siret, normalise_cpv


@pytest.mark.parametrize("payload", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=x"])
def test_formula_like_text_is_neutralised(payload):
    assert neutralise(payload).startswith("'")


def test_csv_and_xlsx_exports_never_hold_formulas():
    rows = [['=HYPERLINK("http://x")', 12, None]]
    text = csv_bytes(["nom", "montant", "vide"], rows).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    workbook = load_workbook(io.BytesIO(xlsx_bytes([("Feuille", ["nom", "montant", "vide"], rows)])))
    cell = workbook["Feuille"]["A2"]
    assert cell.data_type == "s" and cell.value.startswith("'=")
    assert workbook["Feuille"]["B2"].value == 12


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("77310000", "77310000"),
        ("77310000-6", "77310000"),
        ("773100006", "77310000"),
        (" 7731 0000 ", "77310000"),
    ],
)
def test_cpv_codes_are_normalised(raw, expected):
    assert normalise_cpv(raw) == expected


@pytest.mark.parametrize("raw", ["7731", "abc", "77310000-66", ""])
def test_malformed_cpv_is_refused(raw):
    with pytest.raises(ValueError, match="CPV"):
        normalise_cpv(raw)


def test_siret_validation_explains_the_problem():
    assert clean_siret("410 717 714 00035") == "41071771400035"
    with pytest.raises(ValueError, match="clé de contrôle"):
        clean_siret("41071771400036")
    with pytest.raises(ValueError, match="14 chiffres"):
        clean_siret("1234")


@pytest.mark.django_db
def test_import_is_rolled_back_on_dry_run_and_on_error():
    from dentelle.accounts.models import Organisation

    def importer(report, name, fail):
        Organisation.objects.create(name=name)
        report.count("créées")
        if fail:
            report.error(3, "nom", "valeur refusée")

    report, committed = run_import(importer, wet_run=False, name="A", fail=False)
    assert not committed and not Organisation.objects.exists()
    report, committed = run_import(importer, wet_run=True, name="B", fail=True)
    assert not committed and not Organisation.objects.exists()
    assert str(report.errors[0]) == "ligne 3, colonne « nom » : valeur refusée (erreur)"
    report, committed = run_import(importer, wet_run=True, name="C", fail=False)
    assert committed and Organisation.objects.get().name == "C"
    assert isinstance(report, ImportReport) and report.counts == {"créées": 1}


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Par public éligible (un bénéficiaire peut relever de plusieurs publics)", "Par public éligible"),
        ("Une feuille au titre vraiment beaucoup trop long", "Une feuille au titre vraiment"),
        ("Structures", "Structures"),
    ],
    ids=["note-in-brackets-dropped", "cut-between-words", "short-kept"],
)
def test_sheet_names_are_cut_where_a_reader_expects(title, expected):
    from dentelle.core.exports import short_title

    assert short_title(title) == expected and len(short_title(title)) <= 31
