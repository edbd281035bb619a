"""The worker's side: its heartbeat (read by /healthz), the periodic tasks it enqueues, and jobs left
running by a worker that stopped.

`dentelle worker` runs django-tasks' database worker in the main thread and ``Heartbeat`` in a daemon
thread, so that a long job does not silence the heartbeat.
"""

import logging
import os
import platform
import threading
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from dentelle.jobs.models import Job, JobKind, JobState, PeriodicRun, WorkerHeartbeat
from dentelle.jobs.services import start_job

logger = logging.getLogger("dentelle.jobs")
_worker_id = ""


def current_worker_id():
    return _worker_id


def heartbeat_file():
    """On a SQLite file (one machine by definition), the heartbeat is also the modification time of
    ``<database>.worker``: a long import holds SQLite's only write lock for minutes, during which no row
    can be written, but the worker is alive. None on PostgreSQL and in-memory databases."""
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name or name.startswith("file:"):
        return None
    return Path(name + ".worker")


def file_heartbeat_age(now=None):
    """Seconds since the heartbeat file was touched, or None (no such file, or not SQLite)."""
    path = heartbeat_file()
    try:
        return None if path is None else (now or timezone.now()).timestamp() - path.stat().st_mtime
    except OSError:
        return None


def file_alive(now=None):
    age = file_heartbeat_age(now)
    return age is not None and age <= settings.DENTELLE_WORKER_STALE_SECONDS


def beat(worker_id, now=None):
    now = now or timezone.now()
    path = heartbeat_file()
    if path is not None:
        try:
            path.touch()
        except OSError:
            pass
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            hostname=platform.node()[:255],  # the host's name, without the network module
            pid=os.getpid(),
            started_at=now,
            seen_at=now,
        )


def live_workers(now=None):
    limit = (now or timezone.now()) - timedelta(seconds=settings.DENTELLE_WORKER_STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(seen_at__gte=limit)


def fail_abandoned_jobs(now=None):
    """Jobs still « running » on a worker whose heartbeat stopped: failed, with the reason."""
    now = now or timezone.now()
    if file_alive(now):  # SQLite: a worker may be alive behind a long write; leave its job alone
        return 0
    alive = set(live_workers(now).values_list("worker_id", flat=True))
    abandoned = Job.objects.filter(state=JobState.RUNNING).exclude(worker_id__in=alive)
    return abandoned.update(
        state=JobState.FAILED,
        finished_at=now,
        step="Interrompu",
        error="Le travailleur qui exécutait ce travail s'est arrêté avant la fin : relancer la demande.",
    )


# Periodic tasks: name → (kind, French label, due moment before ``now``).
def _last_moment(now, hour, weekday=None):
    """The latest moment ≤ now at ``hour``:00 local time (on ``weekday`` if given, 0 = Monday)."""
    local = timezone.localtime(now)
    moment = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if moment > local:
        moment -= timedelta(days=1)
    if weekday is not None:
        moment -= timedelta(days=(moment.weekday() - weekday) % 7)
    return moment


def periodic_tasks():
    return {
        "digest": (
            JobKind.DIGEST,
            "Lettre hebdomadaire aux structures",
            lambda now: _last_moment(now, settings.DENTELLE_DIGEST_HOUR, settings.DENTELLE_DIGEST_WEEKDAY),
        ),
        "purge": (
            JobKind.PURGE,
            "Purge quotidienne des données personnelles",
            lambda now: _last_moment(now, settings.DENTELLE_PURGE_HOUR),
        ),
        "cleanup": (
            JobKind.CLEANUP,
            "Nettoyage quotidien des fichiers produits et de la file",
            lambda now: _last_moment(now, (settings.DENTELLE_PURGE_HOUR + 1) % 24),
        ),
    }


def enqueue_due(now=None, names=None):
    """Enqueue each periodic task whose scheduled moment has come since its last run; returns the jobs.

    A task never run starts counting now (the first digest goes at the next scheduled moment, not when
    the worker first starts). The conditional update makes one worker only win a given moment."""

    now = now or timezone.now()
    names = settings.DENTELLE_PERIODIC_TASKS if names is None else names
    started = []
    for name, (kind, label, last_moment) in periodic_tasks().items():
        if name not in names:
            continue
        PeriodicRun.objects.get_or_create(name=name, defaults={"last_run_at": now})
        moment = last_moment(now)
        with transaction.atomic():
            won = PeriodicRun.objects.filter(name=name, last_run_at__lt=moment).update(last_run_at=now)
            if won:
                job = start_job(kind, f"{label} ({timezone.localtime(now):%d/%m/%Y %H:%M})")
                PeriodicRun.objects.filter(name=name).update(last_job=job)
                started.append(job)
    return started


class Heartbeat(threading.Thread):
    """Every DENTELLE_WORKER_HEARTBEAT_SECONDS: write the heartbeat, enqueue the periodic tasks due."""

    def __init__(self, worker_id, schedule=True):
        super().__init__(name="dentelle-heartbeat", daemon=True)
        self.worker_id, self.schedule = worker_id, schedule
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            self.tick()
            self.stopped.wait(settings.DENTELLE_WORKER_HEARTBEAT_SECONDS)

    def tick(self):
        close_old_connections()
        try:
            beat(self.worker_id)
            if self.schedule:
                for job in enqueue_due():
                    logger.info("event=periodic_queued job=%s kind=%s", job.pk, job.kind)
        except DatabaseError as exc:  # database busy or down: say so, try again at the next beat
            logger.warning(
                "event=heartbeat_failed worker=%s error=%s", self.worker_id, str(exc).splitlines()[0]
            )
        finally:
            connection.close()

    def stop(self):
        self.stopped.set()


def start(worker_id, schedule=True):
    global _worker_id
    _worker_id = worker_id
    beat(worker_id)
    failed = fail_abandoned_jobs()
    if failed:
        logger.warning("event=jobs_abandoned count=%s", failed)
    heartbeat = Heartbeat(worker_id, schedule)
    heartbeat.start()
    return heartbeat


def stop(worker_id):
    try:
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
        path = heartbeat_file()
        if path is not None and not live_workers().exists():
            path.unlink(missing_ok=True)
    except (DatabaseError, OSError):
        pass


def run_pending(worker_id="inline"):
    """Run every queued task now, in this process, through django-tasks' own worker code (claim, run,
    record the result); returns how many ran. For tests and one-off runs: `dentelle worker` is the
    service. Unlike the worker loop it leaves the database connection alone (it may be inside a test's
    transaction)."""

    runner = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with exclusive_transaction(DBTaskResult.objects.db):
            task_result = DBTaskResult.objects.ready().get_locked()
            if task_result is not None:
                task_result.claim(worker_id)
        if task_result is None:
            return ran
        runner.run_task(task_result)
        ran += 1
