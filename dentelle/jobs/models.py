"""Background jobs: what a person asked for (import, scan, export, analysis), its state, progress and
result; the worker's heartbeat; the last run of each periodic task.

The queue itself is django-tasks' database backend (``django_tasks_db.DBTaskResult``): a job row is
what the pages show, scoped to its organisation, and what the task updates as it goes.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class JobKind(models.TextChoices):
    PLAN_IMPORT = "plan_import", "Import et balayage d'une programmation"
    PLAN_SCAN = "plan_scan", "Balayage d'une programmation"
    PLAN_EXPORT = "plan_export", "Export d'une programmation"
    DECP_ANALYSIS = "decp_analysis", "Analyse de données essentielles (DECP)"
    DIGEST = "digest", "Lettre hebdomadaire aux structures"
    PURGE = "purge", "Purge des données personnelles des bénéficiaires"
    CLEANUP = "cleanup", "Nettoyage des fichiers produits et de la file"


class JobState(models.TextChoices):
    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    SUCCEEDED = "succeeded", "Terminé"
    FAILED = "failed", "Échec"


class Job(models.Model):
    kind = models.CharField("type", max_length=30, choices=JobKind.choices)
    label = models.CharField("intitulé", max_length=300)
    state = models.CharField("état", max_length=20, choices=JobState.choices, default=JobState.QUEUED)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    params = models.JSONField("paramètres", default=dict, blank=True)
    step = models.CharField("étape", max_length=200, blank=True)
    done = models.PositiveIntegerField("fait", default=0)
    total = models.PositiveIntegerField("à faire", null=True, blank=True)
    result = models.JSONField("résultat", default=dict, blank=True)
    error = models.TextField("erreur", blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    worker_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField("demandé le", default=timezone.now)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "travail de fond"
        verbose_name_plural = "travaux de fond"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="job_org_created")]

    def __str__(self):
        return f"{self.label} ({self.get_state_display()})"

    @property
    def percent(self):
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    @property
    def finished(self):
        return self.state in (JobState.SUCCEEDED, JobState.FAILED)

    @property
    def seconds(self):
        if self.started_at is None:
            return None
        end = self.finished_at or timezone.now()
        return round((end - self.started_at).total_seconds(), 1)


class JobFile(models.Model):
    """A file a job reads (the uploaded plan) or writes (an export), kept in the database so that any
    worker and any app server reach it; the input is deleted when the job ends."""

    INPUT, OUTPUT = "input", "output"
    job = models.ForeignKey(Job, verbose_name="travail", on_delete=models.CASCADE, related_name="files")
    role = models.CharField("rôle", max_length=10, choices=[(INPUT, "entrée"), (OUTPUT, "sortie")])
    name = models.CharField("nom", max_length=255)
    content_type = models.CharField("type de contenu", max_length=120, blank=True)
    data = models.BinaryField("contenu")
    size = models.PositiveIntegerField("taille (octets)", default=0)

    class Meta:
        verbose_name = "fichier d'un travail"
        verbose_name_plural = "fichiers des travaux"
        constraints = [models.UniqueConstraint(fields=["job", "role"], name="one_file_per_job_role")]

    def __str__(self):
        return f"{self.name} ({self.size} octets)"


class WorkerHeartbeat(models.Model):
    """Written every few seconds by each running `dentelle worker`; /healthz reads it."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "travailleur"

    def __str__(self):
        return f"{self.worker_id} ({self.hostname}, pid {self.pid})"


class PeriodicRun(models.Model):
    """When a periodic task (digest, purge) was last enqueued; the conditional update on this row makes
    sure one worker only enqueues it, however many run."""

    name = models.CharField("tâche", max_length=50, unique=True)
    last_run_at = models.DateTimeField("dernier lancement")
    last_job = models.ForeignKey(
        Job,
        verbose_name="dernier travail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "tâche périodique"
        verbose_name_plural = "tâches périodiques"

    def __str__(self):
        return f"{self.name} : {self.last_run_at:%Y-%m-%d %H:%M}"
