"""Background jobs through django-tasks' database backend: queued by a page, run by the worker's own code
(``run_pending``), state, progress and result recorded; who sees which job; periodic tasks; the worker."""

import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from dentelle.accounts.models import Organisation
from dentelle.core.roles import Role
from dentelle.jobs import handlers, worker
from dentelle.jobs.models import Job, JobFile, JobKind, JobState, PeriodicRun, WorkerHeartbeat
from dentelle.jobs.services import JobError, start_job
from dentelle.jobs.worker import enqueue_due, fail_abandoned_jobs, run_pending
from dentelle.purchases import job_handlers as purchases_jobs
from dentelle.purchases.models import Finding, Lot, PurchasePlan
from dentelle.purchases.services import scan_plan

DATA = Path(__file__).resolve().parents[1] / "data" / "purchases"
PARIS = ZoneInfo("Europe/Paris")
HEADER = "Référence;Objet;Code CPV;Montant estimé HT;Direction/Service\n"


def plan_csv(rows):
    return (
        HEADER + "".join(f"OP-{i};Nettoyage des locaux {i};90911200;{1000 + i};DL\n" for i in range(rows))
    ).encode()


def run_job(kind, label, **kwargs):
    """start_job, then one pass of the worker over the queue: the job as it ended."""
    job = start_job(kind, label, **kwargs)
    run_pending()
    job.refresh_from_db()
    return job


def raising(error):
    """A job handler that raises error."""

    def handler(job, progress):
        raise error

    return handler


@pytest.mark.django_db
def test_an_import_job_is_queued_then_run_with_its_progress_and_result(organisation, officer):
    job = start_job(
        JobKind.PLAN_IMPORT,
        "Import de test",
        organisation=organisation,
        user=officer,
        params={"plan_name": "Plan test", "service": None, "mapping": {}},
        input_file=("plan.csv", plan_csv(30)),
    )
    assert job.state == JobState.QUEUED and job.task_id
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    assert not PurchasePlan.objects.exists()  # nothing done in the request
    assert run_pending() == 1
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert (job.done, job.total) == (30, 30)  # lots scanned / lots
    assert job.result["message"].startswith("Import enregistré : 30 lots du fichier")
    plan = PurchasePlan.objects.get(name="Plan test")
    assert job.result["url"] == f"/achats/programmation/{plan.pk}/"
    assert Lot.objects.filter(operation__plan=plan).count() == 30
    assert not JobFile.objects.filter(job=job).exists()  # the uploaded file is not kept
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at


@pytest.mark.django_db
def test_a_file_with_errors_fails_the_job_with_the_rows_in_french(organisation, officer):
    data = (HEADER + "OP-1;;90911200;abc;DL\n").encode()
    job = run_job(
        JobKind.PLAN_IMPORT,
        "Import fautif",
        organisation=organisation,
        user=officer,
        params={"plan_name": "Plan fautif", "mapping": {}},
        input_file=("plan.csv", data),
    )
    assert job.state == JobState.FAILED
    assert job.error.startswith("Import annulé")
    assert "ligne 2" in job.error
    assert not PurchasePlan.objects.filter(name="Plan fautif").exists()


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_job_and_names_its_reference(organisation, officer, monkeypatch):
    monkeypatch.setitem(handlers.HANDLERS, JobKind.PURGE, raising(RuntimeError("disque plein")))
    job = run_job(JobKind.PURGE, "Purge", organisation=organisation)
    assert job.state == JobState.FAILED
    assert f"job={job.pk}" in job.error and "RuntimeError" in job.error and "Traceback" not in job.error


@pytest.mark.django_db
def test_a_job_error_message_is_shown_as_is(organisation, monkeypatch):
    monkeypatch.setitem(
        handlers.HANDLERS, JobKind.PLAN_SCAN, raising(JobError("Cette programmation n'existe plus."))
    )
    job = run_job(JobKind.PLAN_SCAN, "Balayage", organisation=organisation)
    assert (job.state, job.error) == (JobState.FAILED, "Cette programmation n'existe plus.")


@pytest.mark.django_db
def test_a_job_already_started_is_not_run_twice(organisation):
    job = start_job(JobKind.PURGE, "Purge", organisation=organisation)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    run_pending()
    job.refresh_from_db()
    assert job.state == JobState.RUNNING and job.finished_at is None


@pytest.mark.django_db
def test_the_chunked_scan_of_a_job_stores_the_same_findings_as_one_scan(organisation, monkeypatch):
    call_command("plan", "import", str(DATA / "plan.json"), "--organisation", organisation.name, "--wet-run")
    plan = PurchasePlan.objects.get()
    scan_plan(plan)
    fields = ("lot_id", "rule_id", "subject", "kind", "estimated_hours", "reasons", "figures")
    once = sorted(map(repr, Finding.objects.values_list(*fields)))
    assert once
    Finding.objects.all().delete()
    monkeypatch.setattr(purchases_jobs, "SCAN_CHUNK_OPERATIONS", 1)
    job = run_job(JobKind.PLAN_SCAN, "Balayage", organisation=organisation, params={"plan": plan.pk})
    assert job.state == JobState.SUCCEEDED
    assert sorted(map(repr, Finding.objects.values_list(*fields))) == once
    assert job.done == job.total == Lot.objects.filter(operation__plan=plan).count()


@pytest.mark.django_db
def test_jobs_are_seen_by_their_organisation_only(client, organisation, officer, make_user):
    other_org = Organisation.objects.create(name="Autre", region_code="84")
    stranger = make_user(Role.PURCHASING_OFFICER, organisation=other_org, username="etranger")
    buyer = make_user(Role.BUYER, "DL")
    siae_member = make_user(Role.SIAE_MEMBER, username="siae")
    job = start_job(JobKind.PURGE, "Travail de la Région", organisation=organisation, user=officer)
    periodic = start_job(JobKind.DIGEST, "Lettre hebdomadaire")
    client.force_login(officer)
    page = client.get("/travaux/").content.decode()
    assert "Travail de la Région" in page and "Lettre hebdomadaire" not in page
    assert client.get(f"/travaux/{job.pk}/").status_code == 200
    assert client.get(f"/travaux/{periodic.pk}/").status_code == 404
    client.force_login(stranger)
    assert "Travail de la Région" not in client.get("/travaux/").content.decode()
    assert client.get(f"/travaux/{job.pk}/").status_code == 404
    refused = client.get(f"/travaux/{job.pk}/etat.json")
    assert refused.status_code == 404 and refused.json() == {
        "error": "Travail introuvable (ou hors de vos droits)."
    }
    client.force_login(buyer)  # a buyer sees the jobs they asked for, not the whole organisation's
    assert client.get(f"/travaux/{job.pk}/").status_code == 404
    client.force_login(siae_member)
    assert client.get("/travaux/").status_code == 403


@pytest.mark.django_db
def test_the_job_page_refreshes_while_running_and_shows_the_result(client, organisation, officer):
    job = start_job(JobKind.PURGE, "Purge de test", organisation=organisation, user=officer)
    client.force_login(officer)
    page = client.get(f"/travaux/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page and "En attente" in page
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, step="Balayage des lots", done=250, total=1000
    )
    page = client.get(f"/travaux/{job.pk}/").content.decode()
    assert "Balayage des lots : 250 / 1\u202f000" in page and "25 %" in page  # French number format
    state = json.loads(client.get(f"/travaux/{job.pk}/etat.json").content)
    assert (state["state"], state["done"], state["total"], state["percent"]) == ("running", 250, 1000, 25)
    Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED)
    run_pending()
    page = client.get(f"/travaux/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "bénéficiaire(s) purgé(s)" in page


@pytest.mark.django_db
def test_the_job_list_costs_the_same_queries_with_many_jobs(
    client, organisation, officer, assert_flat_queries
):
    client.force_login(officer)
    start_job(JobKind.PURGE, "Purge", organisation=organisation, user=officer)

    def sixty_more():
        for _ in range(60):
            start_job(JobKind.PURGE, "Purge", organisation=organisation, user=officer)

    assert_flat_queries("/travaux/", sixty_more)


@pytest.mark.django_db
def test_an_export_job_writes_a_file_only_its_author_downloads(client, organisation, officer, make_user):
    call_command("plan", "import", str(DATA / "plan.json"), "--organisation", organisation.name, "--wet-run")
    plan = PurchasePlan.objects.get()
    scan_plan(plan)
    job = run_job(
        JobKind.PLAN_EXPORT,
        "Export",
        organisation=organisation,
        user=officer,
        params={"plan": plan.pk, "format": "json"},
    )
    assert job.state == JobState.SUCCEEDED, job.error
    client.force_login(officer)
    response = client.get(job.result["url"])
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert set(json.loads(response.content)) == {"summary", "lots"}
    client.force_login(make_user(Role.DIRECTION, username="direction"))
    assert client.get(job.result["url"]).status_code == 403


def at(*args):
    return datetime(*args, tzinfo=PARIS)


@pytest.mark.django_db
def test_periodic_tasks_are_enqueued_once_per_scheduled_moment(settings):
    settings.DENTELLE_DIGEST_WEEKDAY, settings.DENTELLE_DIGEST_HOUR, settings.DENTELLE_PURGE_HOUR = 0, 7, 3
    monday_9 = at(2026, 12, 7, 9, 0)  # a Monday
    assert enqueue_due(monday_9) == []  # first start: counting begins, nothing sent at once
    assert set(PeriodicRun.objects.values_list("name", flat=True)) == {"digest", "purge", "cleanup"}
    assert enqueue_due(at(2026, 12, 8, 2, 59)) == []  # before Tuesday 3:00
    jobs = enqueue_due(at(2026, 12, 8, 3, 0))
    assert [j.kind for j in jobs] == [JobKind.PURGE]
    assert enqueue_due(at(2026, 12, 8, 3, 1)) == []  # that moment is taken (another worker would lose)
    assert [j.kind for j in enqueue_due(at(2026, 12, 8, 4, 0))] == [JobKind.CLEANUP]  # an hour later
    assert [j.kind for j in enqueue_due(at(2026, 12, 14, 7, 0))] == [
        JobKind.DIGEST,
        JobKind.PURGE,
        JobKind.CLEANUP,
    ]
    assert enqueue_due(at(2026, 12, 14, 8, 0)) == []
    assert enqueue_due(at(2026, 12, 15, 8, 0), names=["digest"]) == []  # purge, cleanup not asked here
    run_pending()
    assert set(Job.objects.values_list("state", flat=True)) == {JobState.SUCCEEDED}


@pytest.mark.django_db
def test_a_job_left_running_by_a_stopped_worker_is_failed(organisation, settings):
    job = start_job(JobKind.PURGE, "Purge", organisation=organisation)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, worker_id="mort")
    worker.beat(
        "mort", now=worker.timezone.now() - timedelta(seconds=settings.DENTELLE_WORKER_STALE_SECONDS + 1)
    )
    live = start_job(JobKind.PURGE, "Purge", organisation=organisation)
    Job.objects.filter(pk=live.pk).update(state=JobState.RUNNING, worker_id="vivant")
    worker.beat("vivant")
    assert fail_abandoned_jobs() == 1
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "s'est arrêté" in job.error
    assert Job.objects.get(pk=live.pk).state == JobState.RUNNING


@pytest.mark.django_db(transaction=True)
def test_dentelle_worker_runs_the_queue_and_beats(organisation):
    """The command itself (django-tasks' worker loop, --batch: stop when the queue is empty)."""
    job = start_job(JobKind.PURGE, "Purge", organisation=organisation)
    seen = []
    original = worker.beat

    def spy(worker_id, now=None):
        seen.append(worker_id)
        return original(worker_id, now)

    worker.beat = spy
    try:
        call_command("worker", "--batch", "--no-startup-delay", "--worker-id", "w-test", "--no-schedule")
    finally:
        worker.beat = original
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.worker_id == "w-test"
    assert "w-test" in seen
    assert not WorkerHeartbeat.objects.filter(worker_id="w-test").exists()  # removed on a clean stop


@pytest.mark.django_db
def test_on_a_sqlite_file_a_worker_busy_in_a_long_write_stays_alive(client, settings, tmp_path, monkeypatch):
    """SQLite has one write lock: during a long import the heartbeat row cannot be written, the file can."""
    from dentelle.referentials.models import ReferentialLoad

    ReferentialLoad.objects.get_or_create(
        name="cpv", defaults={"version": "test", "source_file": "cpv.csv", "row_count": 1}
    )
    path = tmp_path / "db.sqlite3.worker"
    monkeypatch.setattr(worker, "heartbeat_file", lambda: path)
    stale = worker.timezone.now() - timedelta(seconds=settings.DENTELLE_WORKER_STALE_SECONDS + 5)
    worker.beat("occupe", now=stale)  # the row is old (as if its updates were locked out), the file fresh
    assert path.exists()
    response = client.get("/healthz")
    assert response.status_code == 200 and "longue écriture" in response.json()["worker"]["detail"]
    job = start_job(JobKind.PURGE, "Purge")
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, worker_id="occupe")
    assert fail_abandoned_jobs() == 0
    old = stale.timestamp()
    os.utime(path, (old, old))
    assert client.get("/healthz").status_code == 503
    assert fail_abandoned_jobs() == 1


@pytest.mark.django_db
def test_the_plan_list_links_to_the_jobs(client, officer):
    client.force_login(officer)
    assert 'href="/travaux/"' in client.get("/achats/").content.decode()


@pytest.mark.django_db
def test_the_daily_cleanup_removes_old_export_files_and_queue_entries(organisation, settings):
    settings.DENTELLE_JOB_FILES_DAYS, settings.DENTELLE_TASK_RESULTS_DAYS = 7, 30
    now = worker.timezone.now()
    old, recent = (start_job(JobKind.PLAN_EXPORT, "Export", organisation=organisation) for _ in range(2))
    run_pending()  # both fail (no plan): finished, with a queue entry each
    for job, age in ((old, 8), (recent, 1)):
        Job.objects.filter(pk=job.pk).update(finished_at=now - timedelta(days=age))
        JobFile.objects.create(job=job, role=JobFile.OUTPUT, name="x.json", data=b"{}", size=2)
    DBTaskResult.objects.filter(id=old.task_id).update(finished_at=now - timedelta(days=31))
    cleanup = run_job(JobKind.CLEANUP, "Nettoyage")
    assert cleanup.state == JobState.SUCCEEDED, cleanup.error
    assert list(JobFile.objects.values_list("job_id", flat=True)) == [recent.pk]
    assert not DBTaskResult.objects.filter(id=old.task_id).exists()
    assert DBTaskResult.objects.filter(id=recent.task_id).exists()
    assert Job.objects.filter(pk=old.pk).exists()  # the job stays listed
