from django.contrib import admin

from dentelle.core.admin import ReadOnlyAdmin
from dentelle.jobs.models import Job, JobFile, PeriodicRun, WorkerHeartbeat


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "label", "state", "organisation", "created_by", "created_at", "finished_at"]
    list_filter = ["kind", "state"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["worker_id", "hostname", "pid", "started_at", "seen_at"]


@admin.register(JobFile)
class JobFileAdmin(ReadOnlyAdmin):
    """The file's bytes stay out of the page (an uploaded plan, a declaration file): its name and size only."""

    list_display = ["name", "role", "job", "size"]
    fields = ["job", "role", "name", "content_type", "size"]


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_run_at", "last_job"]
