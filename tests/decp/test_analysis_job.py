"""A DECP file too large to analyse while the page waits is handed to the worker (issue 15): the page
answers at once with the job, the worker writes the retrospective XLSX, only its author downloads it."""

from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from dentelle.core.roles import Role
from dentelle.jobs.models import Job, JobKind, JobState
from dentelle.jobs.worker import run_pending

PES = Path(settings.DENTELLE_DATA_DIR) / "decp" / "decp_2019_v1_data.gouv.fr_pes.json.gz"
OWN = Path(__file__).resolve().parent.parent / "data" / "decp"


@pytest.mark.django_db
def test_a_large_file_is_analysed_by_the_worker_and_gives_the_xlsx(client, make_user, settings):
    settings.DENTELLE_DECP_INLINE_BYTES = 1000  # the shared 2019 file is larger: it goes to a job
    reader = make_user(Role.READER)
    client.force_login(reader)
    upload = SimpleUploadedFile(PES.name, PES.read_bytes())
    response = client.post("/decp/", {"file": upload, "region": "", "buyer": ""})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/travaux/{job.pk}/"
    assert job.kind == JobKind.DECP_ANALYSIS and job.state == JobState.QUEUED and job.created_by == reader

    assert run_pending() == 1
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert "marchés lus" in job.result["message"] and "rétrospective (XLSX)" in job.result["message"]
    assert any("Par catégorie d'acheteur" in line for line in job.result["lines"])
    page = client.get(f"/travaux/{job.pk}/")
    assert 'id="job-lines"' in page.text and "Par catégorie d&#x27;acheteur" in page.text
    download = client.get(job.result["url"])
    assert download.status_code == 200
    book = load_workbook(BytesIO(download.content), read_only=True)
    assert len(book.sheetnames) >= 3

    client.force_login(make_user(Role.DIRECTION, username="autre-personne"))
    assert client.get(job.result["url"]).status_code == 403  # the XLSX is its author's


@pytest.mark.django_db
def test_a_broken_large_file_fails_the_job_with_its_own_name(client, make_user, settings):
    settings.DENTELLE_DECP_INLINE_BYTES = 10
    client.force_login(make_user(Role.BUYER))
    upload = SimpleUploadedFile("cassé.json", (OWN / "v1_truncated.json").read_bytes())
    client.post("/decp/", {"file": upload})
    run_pending()
    job = Job.objects.get()
    assert job.state == JobState.FAILED
    assert "« cassé.json » : JSON mal formé" in job.error


@pytest.mark.django_db
def test_small_files_stay_on_the_page(client, make_user):
    client.force_login(make_user(Role.READER))
    upload = SimpleUploadedFile("petit.json", (OWN / "v1_truncated.json").read_bytes())
    client.post("/decp/", {"file": upload})
    assert not Job.objects.exists()
