"""Starting jobs, reporting their progress, and running them (the django-tasks task `run_job`).

A page calls ``start_job`` (one short transaction: the job row, its input file and the queue entry) and
answers at once; `dentelle worker` runs ``run_job``, which calls the handler of the job's kind
(registered by each app in ``<app>/job_handlers.py``). Handlers write progress between their own
transactions, so that the pages see it while the job runs (on PostgreSQL a write inside an open transaction is invisible to others).
"""

import logging
import time

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from dentelle.jobs.handlers import HANDLERS
from dentelle.jobs.models import Job, JobFile, JobState

logger = logging.getLogger("dentelle.jobs")


class JobError(Exception):
    """A job that cannot finish for a reason the user can act on; the message is French and shown."""


def start_job(kind, label, *, organisation=None, user=None, params=None, input_file=None):
    """Record the job and queue it; returns the job. ``input_file``: (name, bytes) kept for the worker."""
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            label=label[:300],
            organisation=organisation,
            created_by=user,
            params=params or {},
            step="En attente d'un travailleur",
        )
        if input_file is not None:
            name, data = input_file
            JobFile.objects.create(job=job, role=JobFile.INPUT, name=name[:255], data=data, size=len(data))
        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
        job.task_id = str(result.id)
    logger.info(
        "event=job_queued job=%s kind=%s organisation=%s", job.pk, kind, organisation and organisation.pk
    )
    return job


class Progress:
    """Progress of a running job, written at most every ``every`` seconds (and at each new step)."""

    def __init__(self, job, every=0.5):
        self.job, self.every, self._last = job, every, 0.0

    def step(self, label, total=None, done=0):
        self.job.step, self.job.total, self.job.done = label[:200], total, done
        self._write()

    def advance(self, count=1):
        self.job.done += count
        if time.monotonic() - self._last >= self.every:
            self._write()

    def flush(self):
        self._write()

    def _write(self):
        self._last = time.monotonic()
        Job.objects.filter(pk=self.job.pk).update(
            step=self.job.step, total=self.job.total, done=self.job.done
        )


def input_of(job):
    """(name, bytes) of the job's input file; JobError if it is gone."""
    stored = JobFile.objects.filter(job=job, role=JobFile.INPUT).first()
    if stored is None:
        raise JobError("Le fichier à traiter n'est plus disponible : le déposer à nouveau.")
    return stored.name, bytes(stored.data)


def store_output(job, name, data, content_type):
    JobFile.objects.update_or_create(
        job=job,
        role=JobFile.OUTPUT,
        defaults={"name": name, "data": data, "size": len(data), "content_type": content_type},
    )


@task()
def run_job(job_id):
    """Run one job (the worker calls this). Returns the final state; a job already started is left alone."""
    # lazy: cycle, jobs.worker imports this module at its top
    from dentelle.jobs.worker import current_worker_id

    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now(), worker_id=current_worker_id(), step="Démarrage"
    )
    if not claimed:
        return "ignored"
    job = Job.objects.get(pk=job_id)
    started = time.monotonic()
    try:
        result = HANDLERS[job.kind](job, Progress(job))
    except JobError as exc:
        state, result, error = JobState.FAILED, {}, str(exc)
    except Exception as exc:  # noqa: BLE001 — any failure ends the job in a state the page shows
        logger.exception("event=job_error job=%s kind=%s", job.pk, job.kind)
        state, result, error = (
            JobState.FAILED,
            {},
            f"Erreur inattendue ({type(exc).__name__}) : l'équipe technique la retrouvera dans le journal "
            f"sous la référence job={job.pk}.",
        )
    else:
        state, error = JobState.SUCCEEDED, ""
    Job.objects.filter(pk=job.pk).update(
        state=state,
        result=result or {},
        error=error,
        finished_at=timezone.now(),
        step="Terminé" if state == JobState.SUCCEEDED else "Échec",
    )
    JobFile.objects.filter(job_id=job.pk, role=JobFile.INPUT).delete()
    logger.info(
        "event=job_done job=%s kind=%s state=%s seconds=%.1f",
        job.pk,
        job.kind,
        state,
        time.monotonic() - started,
    )
    return state
