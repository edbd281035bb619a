"""What each kind of job does: a registry filled by the apps. A handler receives the job and its
``Progress``, returns the result shown on the job's page ({"message": French sentence, "url": where to go
next, …}) or raises ``JobError``.

The handlers of a domain live in its app (``<app>/job_handlers.py``, registered with ``@handles(kind)``,
found by ``JobsConfig.ready``): the job machinery sits below purchases, matching, insertion and decp,
which start jobs, and never imports them (tests/test_import_cycles.py).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dentelle.core.downloads import CONTENT_TYPES
from dentelle.jobs.models import JobFile, JobKind, JobState

HANDLERS = {}

EXPORT_TYPES = {kind: CONTENT_TYPES[kind] for kind in ("json", "xlsx")}


def handles(kind):
    """Register the decorated function as the handler of jobs of ``kind`` (one handler a kind)."""

    def register(function):
        if HANDLERS.get(kind, function) is not function:
            raise ValueError(f"Two handlers for the job kind {kind}: {HANDLERS[kind]} and {function}.")
        HANDLERS[kind] = function
        return function

    return register


@handles(JobKind.CLEANUP)
def cleanup(job, progress, now=None):
    """Export files older than DENTELLE_JOB_FILES_DAYS, inputs of jobs that ended, and finished queue
    entries older than DENTELLE_TASK_RESULTS_DAYS; the jobs themselves stay listed."""
    now = now or timezone.now()
    progress.step("Suppression des fichiers anciens et des entrées terminées de la file")
    files, _ = JobFile.objects.filter(
        role=JobFile.OUTPUT, job__finished_at__lt=now - timedelta(days=settings.DENTELLE_JOB_FILES_DAYS)
    ).delete()
    inputs, _ = JobFile.objects.filter(
        role=JobFile.INPUT, job__state__in=[JobState.SUCCEEDED, JobState.FAILED]
    ).delete()
    results, _ = (
        DBTaskResult.objects.finished()
        .filter(finished_at__lt=now - timedelta(days=settings.DENTELLE_TASK_RESULTS_DAYS))
        .delete()
    )
    return {
        "message": f"{files + inputs} fichier(s) et {results} entrée(s) de la file supprimés.",
        "files": files + inputs,
        "task_results": results,
    }
