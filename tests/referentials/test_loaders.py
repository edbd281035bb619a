"""Loaders on small files we made (tests/data/referentials), one test per kind of bad input."""

import csv

import pytest

from dentelle.referentials.loaders import ReferenceFileError, load_referentials
from dentelle.referentials.loaders.cpv import cpv_level, cpv_parent
from dentelle.referentials.models import REFERENTIAL_TABLES, Commune, CpvCode, NafCode, ReferentialLoad


def _rows(path):
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _counts():
    return [m.objects.count() for m in (*REFERENTIAL_TABLES.values(), ReferentialLoad)]


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("77000000", "division", None),
        ("77300000", "groupe", "77000000"),
        ("77310000", "classe", "77300000"),
        ("77311000", "categorie", "77310000"),
        ("77311100", "sous-categorie", "77311000"),
        ("77311110", "sous-categorie", "77311100"),
    ],
)
def test_cpv_level_and_parent_from_code_structure(code, level, parent):
    known = {"77000000", "77300000", "77310000", "77311000", "77311100"}
    assert cpv_level(code) == level
    assert cpv_parent(code, known) == parent


def test_cpv_parent_skips_missing_levels():
    assert cpv_parent("77311100", {"77000000", "77310000"}) == "77310000"


@pytest.mark.django_db
def test_small_files_load_with_wet_run(small_data):
    outcomes = load_referentials(small_data, wet_run=True)
    assert all(o.committed and o.report.ok for o in outcomes)
    communes = _rows(small_data / "geo" / "communes.csv")
    distinct = {row["code_insee"] for row in communes}
    assert Commune.objects.count() == len(distinct)
    assert CpvCode.objects.count() == len(_rows(small_data / "cpv" / "cpv_2008.csv"))
    assert NafCode.objects.get(code="81.30Z").parent_id == "81.30"
    green = CpvCode.objects.get(code="77310000")
    assert (green.check_digit, green.level, green.parent_id) == ("6", "classe", "77300000")
    assert "realisation et entretien d espaces verts" in green.search_text
    # A commune déléguée sharing its commune nouvelle's code is kept as another name.
    assert Commune.objects.get(insee_code="01015").other_names == "Arbignieu"
    # Arrondissements inherit their city's groupings.
    paris13 = Commune.objects.get(insee_code="75113")
    assert paris13.kind == "ARM" and paris13.epci_id == Commune.objects.get(insee_code="75056").epci_id
    assert ReferentialLoad.objects.get(name="communes").version.startswith("COG")


@pytest.mark.django_db
def test_dry_run_writes_nothing(small_data):
    before = _counts()
    outcomes = load_referentials(small_data, wet_run=False)
    assert all(o.report.ok and not o.committed for o in outcomes)
    assert outcomes[0].report.counts["codes CPV"] > 0
    assert _counts() == before


@pytest.mark.django_db
def test_if_changed_skips_unchanged_files_and_reloads_changed_ones(small_data):
    load_referentials(small_data, wet_run=True)
    again = load_referentials(small_data, wet_run=True, if_changed=True)
    assert [o.skipped for o in again] == [True, True, True]
    path = small_data / "naf" / "naf_rev2_niveaux.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Nettoyage courant", "Nettoyage ordinaire"), encoding="utf-8"
    )
    third = load_referentials(small_data, wet_run=True, if_changed=True)
    assert [o.skipped for o in third] == [True, True, False]
    assert NafCode.objects.get(code="81.21").label.startswith("Nettoyage ordinaire")


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BAD_ROWS = {
    "cpv-bad-code": ("cpv/cpv_2008.csv", "77310000-6", "7731000X-6", "code CPV mal formé"),
    "cpv-missing-label": (
        "cpv/cpv_2008.csv",
        "Réalisation et entretien d'espaces verts",
        "",
        "libellé français manquant",
    ),
    "commune-bad-insee": (
        "geo/communes.csv",
        "93001,Aubervilliers",
        "9300A,Aubervilliers",
        "code INSEE invalide",
    ),
    "commune-unknown-department": (
        "geo/communes.csv",
        "92036,Gennevilliers,COM,metro,92",
        "92036,Gennevilliers,COM,metro,94",
        "département inconnu",
    ),
    "commune-bad-latitude": ("geo/communes.csv", ",48.91248,", ",48.9x,", "nombre décimal attendu"),
    "department-unknown-region": ("geo/departements.csv", "01,Ain,84", "01,Ain,99", "région inconnue"),
    "naf-unknown-parent": (
        "naf/naf_rev2_niveaux.csv",
        "81.30Z,Services d'aménagement paysager,81.30",
        "81.30Z,Services d'aménagement paysager,81.39",
        "code parent inconnu",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD_ROWS), ids=list(BAD_ROWS))
def test_bad_row_cancels_the_whole_load_and_names_file_and_line(small_data, case):
    relative, old, new, reason = BAD_ROWS[case]
    path = small_data / relative
    expected_line = next(
        i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if old in line
    )
    _replace(path, old, new)
    before = _counts()
    outcomes = load_referentials(small_data, wet_run=True)
    errors = [p for o in outcomes for p in o.report.errors]
    assert errors and reason in errors[0].reason
    assert errors[0].file == path.name and errors[0].line == expected_line
    assert not any(o.committed for o in outcomes)
    assert _counts() == before


BAD_FILES = {
    "missing-file": (lambda p: p.unlink(), "fichier introuvable", None),
    "not-utf8": (
        lambda p: p.write_bytes("code_region,nom\n11,Île\n".encode("cp1252")),
        "encodage illisible",
        2,
    ),
    "missing-column": (
        lambda p: p.write_text("code_region,name\n11,Île-de-France\n", encoding="utf-8"),
        "colonne(s) manquante(s) : nom",
        1,
    ),
    "extra-field": (
        lambda p: p.write_text("code_region,nom\n11,Île-de-France,en trop\n", encoding="utf-8"),
        "colonne(s) au lieu de",
        2,
    ),
    "empty": (lambda p: p.write_text("", encoding="utf-8"), "fichier vide", None),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_unreadable_file_raises_one_french_message(small_data, case):
    breaker, reason, line = BAD_FILES[case]
    path = small_data / "geo" / "regions.csv"
    breaker(path)
    before = _counts()
    with pytest.raises(ReferenceFileError) as excinfo:
        load_referentials(small_data, wet_run=True)
    message = str(excinfo.value)
    assert "regions.csv" in message and reason in message
    assert excinfo.value.line == line
    assert _counts() == before
