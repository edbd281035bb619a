"""A CSV beyond the preview's rows: the page reads its first rows only, the job imports every row."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dentelle.jobs.models import Job, JobState
from dentelle.jobs.worker import run_pending
from dentelle.purchases import views_upload
from dentelle.purchases.models import Lot

HEADER = "Référence;Objet;Code CPV;Montant estimé HT;Direction/Service\n"


@pytest.mark.django_db
def test_a_csv_longer_than_the_preview_is_imported_whole(client, officer, organisation, monkeypatch):
    monkeypatch.setattr(views_upload, "PREVIEW_ROWS", 20)
    rows = "".join(f'OP-{i};"Nettoyage ; vitres {i}";90911200;{1000 + i};DL\n' for i in range(60))
    client.force_login(officer)
    data = (HEADER + rows).encode()
    page = client.post("/achats/importer/", {"file": SimpleUploadedFile("plan.csv", data, "text/csv")})
    text = page.content.decode()
    assert "Aperçu des 19 premières opérations" in text and "quelque 41 lignes suivantes" in text
    response = client.post("/achats/importer/", {"step": "confirm", "name": "Plan long"})
    job = Job.objects.get()
    assert response["Location"] == f"/travaux/{job.pk}/"
    run_pending()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert Lot.objects.filter(operation__plan__name="Plan long").count() == 60
    assert Lot.objects.get(operation__reference="OP-59").title == "Nettoyage ; vitres 59"


def test_preview_part_keeps_short_files_and_quoted_fields_whole(monkeypatch):
    monkeypatch.setattr(views_upload, "PREVIEW_ROWS", 3)
    short = (HEADER + "A;x;1;1;DL\n").encode()
    assert views_upload.preview_part(short, "p.csv") == (short, 0)
    assert views_upload.preview_part(b"x" * 10, "p.xlsx") == (b"x" * 10, 0)
    quoted = (HEADER + 'A;"deux\nlignes";1;1;DL\nB;y;1;1;DL\nC;z;1;1;DL\nD;w;1;1;DL\n').encode()
    part, rest = views_upload.preview_part(quoted, "p.csv")
    assert part.decode().startswith(HEADER) and '"deux\nlignes"' in part.decode() and rest == 2


@pytest.mark.django_db
def test_a_workbook_longer_than_the_preview_is_imported_whole(client, officer, organisation, monkeypatch):
    from io import BytesIO

    from openpyxl import Workbook

    monkeypatch.setattr(views_upload, "PREVIEW_ROWS", 20)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(";"))
    for i in range(60):
        sheet.append([f"OP-{i}", f"Nettoyage {i}", "90911200", 1000.5 + i, "DL"])
    buffer = BytesIO()
    workbook.save(buffer)
    client.force_login(officer)
    upload = SimpleUploadedFile("plan.xlsx", buffer.getvalue())
    text = client.post("/achats/importer/", {"file": upload}).content.decode()
    assert "Aperçu des 19 premières opérations" in text and "quelque 41 lignes suivantes" in text
    undeclared = SimpleUploadedFile("plan.xlsx", write_only_copy(buffer.getvalue()))
    text = client.post("/achats/importer/", {"file": undeclared}).content.decode()
    assert "Aperçu des 19 premières opérations : les lignes suivantes seront lues" in text
    assert "Confirmer l'import" in text
    client.post("/achats/importer/", {"step": "confirm", "name": "Classeur long"})
    run_pending()
    job = Job.objects.get()
    assert job.state == JobState.SUCCEEDED, job.error
    lots = Lot.objects.filter(operation__plan__name="Classeur long")
    assert lots.count() == 60 and str(lots.get(operation__reference="OP-59").estimated_amount) == "1059.50"


def write_only_copy(data):
    """The same rows written by openpyxl's write-only mode, which declares no sheet dimension."""
    from io import BytesIO

    from openpyxl import Workbook, load_workbook

    source = load_workbook(BytesIO(data), read_only=True).active
    copy = Workbook(write_only=True)
    sheet = copy.create_sheet("Plan")
    for row in source.iter_rows(values_only=True):
        sheet.append(row)
    out = BytesIO()
    copy.save(out)
    return out.getvalue()
