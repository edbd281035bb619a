from django.apps import AppConfig
from django_tasks_db.apps import TasksAppConfig


class JobsConfig(AppConfig):
    name = "dentelle.jobs"
    label = "jobs"
    verbose_name = "Travaux de fond"


class TaskQueueConfig(TasksAppConfig):
    """django-tasks' database backend (the queue table), named in French in the admin."""

    verbose_name = "File des tâches (django-tasks)"
