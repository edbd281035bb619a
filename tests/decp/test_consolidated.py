from decimal import Decimal

import pytest
from django.conf import settings

from dentelle.decp.consolidated import ConsolidatedFileError, iter_consolidated

DATA = "tests/data/decp/"


@pytest.mark.parametrize("name", ["consolidated_bad_rows.csv", "consolidated_bad_rows.parquet"])
def test_consolidated_reader_groups_holders_and_reports_bad_rows(name):
    problems = []
    records = list(iter_consolidated(DATA + name, problems))
    assert [r.id for r in records] == ["2019M01", "2019M02", "2019M03", "2019M05"]
    first = records[0]
    assert [h.siret for h in first.holders] == ["73282932000074", "78471226700060"]
    assert first.amount == Decimal("120000") and first.cpv == "77310000"
    assert first.has_social_consideration is True
    assert records[1].amount is None and records[1].has_social_consideration is False
    assert records[2].notification_date is None and records[2].cpv == ""
    found = {(p.index, p.field) for p in problems}
    assert found == {
        (3, "titulaire_id"),
        (3, "montant"),
        (4, "codeCPV"),
        (4, "dateNotification"),
        (5, "uid"),
        (6, "dureeMois"),
        (6, "considerationsSociales"),
    }
    assert all(p.reason and "Error" not in p.reason for p in problems)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("consolidated_truncated.parquet", "ni un CSV ni un Parquet"),
        ("csv_missing_columns.csv", "colonnes manquantes : uid"),
        ("absent.parquet", "introuvable"),
    ],
)
def test_consolidated_reader_refuses_bad_files_in_french(name, message):
    with pytest.raises(ConsolidatedFileError, match=message):
        list(iter_consolidated(DATA + name))


@pytest.mark.parametrize("name", ["consolidated_bad_rows.csv", "consolidated_bad_rows.parquet"])
def test_iter_decp_detects_the_consolidated_file_from_a_path_or_an_upload(name):
    import io
    from pathlib import Path

    from dentelle.decp.readers import detect_format, iter_decp

    upload = io.BytesIO(Path(DATA + name).read_bytes())
    assert detect_format(DATA + name) == detect_format(upload) == "consolidated"
    assert [r.id for r in iter_decp(upload)] == ["2019M01", "2019M02", "2019M03", "2019M05"]
    shared = Path(settings.DENTELLE_DATA_DIR) / "decp" / "decp_2019_v1_marches.csv"  # wherever the data sit
    assert detect_format(str(shared)) == "v1-csv"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["consolidated_bad_rows.csv", "consolidated_bad_rows.parquet"])
def test_cli_analyse_reads_the_consolidated_file_and_its_social_field(name):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("decp", "analyse", DATA + name, stdout=out)
    text = out.getvalue()
    assert "DECP consolidé national (CSV ou Parquet)" in text
    assert "Enregistrements lus : 4" in text
    assert "Avec au moins une considération sociale (v2) : 2 / 2 = 100,0 %" in text
    assert "Anomalies d'enregistrement signalées : 7" in text
