import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from dentelle.core.importing import run_import
from dentelle.insertion.importer import FileProblem, import_declarations
from dentelle.insertion.models import HoursDeclaration

DATA = Path(__file__).resolve().parents[1] / "data" / "insertion"


def run(path_or_bytes, filename=None, wet_run=True, **options):
    if isinstance(path_or_bytes, Path):
        data, filename = path_or_bytes.read_bytes(), path_or_bytes.name
    else:
        data = path_or_bytes
    return run_import(
        import_declarations, wet_run=wet_run, stream=io.BytesIO(data), filename=filename, **options
    )


@pytest.mark.django_db
def test_clean_file_creates_draft_declarations(contract, beneficiary):
    report, committed = run(DATA / "declarations_ok.csv")
    assert committed and report.ok
    rows = HoursDeclaration.objects.order_by("month")
    assert [(r.month.month, r.fulfilment_mode, str(r.hours), r.status) for r in rows] == [
        (2, "DIRECT_HIRE", "35.50", "draft"),
        (3, "STAFF_PROVISION", "20.00", "draft"),
    ]


@pytest.mark.django_db
def test_dry_run_writes_nothing(contract, beneficiary):
    report, committed = run(DATA / "declarations_ok.csv", wet_run=False)
    assert report.ok and not committed
    assert report.counts["déclarations valides"] == 2
    assert not HoursDeclaration.objects.exists()


@pytest.mark.django_db
def test_xlsx_with_pseudonym(contract, beneficiary):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Marché", "Mois", "Modalité", "Bénéficiaire", "Heures"])
    sheet.append(["M-001", "2026-05", "Formation", beneficiary.pseudonym, 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report, committed = run(buffer.getvalue(), "heures.xlsx")
    assert committed, report.problems
    assert HoursDeclaration.objects.get().fulfilment_mode == "TRAINING"


ROW_ERRORS = [
    (2, "marche", "marché inconnu"),
    (3, "mois", "mois illisible"),
    (4, "mois", "hors de l'exécution"),
    (5, "modalite", "modalité inconnue"),
    (6, "beneficiaire", "bénéficiaire inconnu"),
    (7, "heures", "illisible"),
    (8, "heures", "non positif"),
    (9, "heures", "plus de 300 h"),
    (11, "", "doublon de la ligne 10"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("line", "column", "reason"), ROW_ERRORS, ids=[r[2] for r in ROW_ERRORS])
def test_each_bad_row_is_reported_with_line_column_reason(contract, beneficiary, line, column, reason):
    report, committed = run(DATA / "row_errors.csv")
    assert not committed
    assert any(p.line == line and p.column == column and reason in p.reason for p in report.errors), (
        report.errors
    )


@pytest.mark.django_db
def test_one_bad_row_cancels_the_whole_wet_run(contract, beneficiary):
    report, committed = run(DATA / "row_errors.csv")
    assert not committed and len(report.errors) == len(ROW_ERRORS)
    assert not HoursDeclaration.objects.exists()  # line 10 was valid but rolled back


@pytest.mark.django_db
def test_already_declared_row_asks_for_a_correction(declaration):
    data = f"marche;mois;modalite;beneficiaire;heures\nM-001;2026-02;DIRECT_HIRE;{declaration.beneficiary.pseudonym};5\n"
    report, committed = run(data.encode(), "x.csv")
    assert not committed and "utiliser une correction" in report.errors[0].reason


@pytest.mark.django_db
def test_other_organisation_contracts_are_invisible(contract, beneficiary):
    from dentelle.accounts.models import Organisation

    other = Organisation.objects.create(name="Autre")
    report, _ = run(DATA / "declarations_ok.csv", organisation=other)
    assert {p.column for p in report.errors} == {"marche", "beneficiaire"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing_columns.csv", "colonnes manquantes : modalite, beneficiaire"),
        ("wrong_encoding.csv", "encodage"),
    ],
    ids=["headers", "encoding"],
)
def test_unreadable_files_raise_a_french_file_problem(name, message):
    with pytest.raises(FileProblem, match=message):
        run(DATA / name)


@pytest.mark.django_db
def test_not_an_xlsx():
    with pytest.raises(FileProblem, match="pas un classeur Excel"):
        run(b"not a zip", "faux.xlsx")


@pytest.mark.django_db
def test_command_dry_run_then_wet_run(contract, beneficiary):
    out = io.StringIO()
    call_command("insertion", "import-declarations", str(DATA / "declarations_ok.csv"), stdout=out)
    assert "Simulation" in out.getvalue() and not HoursDeclaration.objects.exists()
    call_command(
        "insertion", "import-declarations", str(DATA / "declarations_ok.csv"), "--wet-run", stdout=out
    )
    assert HoursDeclaration.objects.count() == 2


@pytest.mark.django_db
def test_command_reports_errors_and_missing_files(contract, beneficiary):
    with pytest.raises(CommandError, match="Import annulé"):
        call_command(
            "insertion",
            "import-declarations",
            str(DATA / "row_errors.csv"),
            "--wet-run",
            stdout=io.StringIO(),
        )
    with pytest.raises(CommandError, match="introuvable"):
        call_command("insertion", "import-declarations", "/nonexistent.csv", stdout=io.StringIO())
    with pytest.raises(CommandError, match="colonnes manquantes"):
        call_command(
            "insertion", "import-declarations", str(DATA / "missing_columns.csv"), stdout=io.StringIO()
        )


@pytest.mark.django_db
def test_unclosed_quote_is_a_french_file_problem():
    # The open quote swallows the rest of the file into one cell, past the csv module's field limit.
    data = b'marche;mois;modalite;beneficiaire;heures\n"M1;2026-01;x;y;3\n' + b"a" * 200_000 + b"\n"
    with pytest.raises(FileProblem, match="guillemet"):
        run(data, "heures.csv")


@pytest.mark.django_db
def test_workbook_with_a_damaged_sheet_is_a_french_file_problem():
    import zipfile

    workbook = Workbook()
    workbook.active.append(["marche", "mois", "modalite", "beneficiaire", "heures"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    damaged = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.endswith("sheet1.xml"):
                content = content[: len(content) // 2]  # the sheet's XML cut short: opens, fails on reading
            target.writestr(info, content)
    with pytest.raises(FileProblem, match="endommagé"):
        run(damaged.getvalue(), "heures.xlsx")
