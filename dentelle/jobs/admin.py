from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

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


class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks' queue, with French column names: its model's names and fields are translated by
    dentelle/jobs/locale (the package has no French catalog); the columns its admin computes are renamed
    here."""

    list_display = [
        "identifier",
        "task",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    ]
    list_display_links = ["identifier"]

    @admin.display(description="identifiant", ordering="id")
    def identifier(self, obj):
        return obj.id

    @admin.display(description="tâche")
    def task(self, obj):
        return obj.task_name

    @admin.display(description="trace de l'erreur")
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description="à exécuter après")
    def display_run_after(self, obj):
        return super().display_run_after(obj)


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
