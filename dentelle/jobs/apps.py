from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django_tasks_db.apps import TasksAppConfig


class JobsConfig(AppConfig):
    default = True  # apps.py also defines TaskQueueConfig: say which one "dentelle.jobs" means
    name = "dentelle.jobs"
    verbose_name = "Travaux de fond"

    def ready(self):
        # Each app registers the handlers of its own jobs (dentelle.jobs.handlers.handles), as the admin
        # finds admin.py: the job machinery never imports the apps that start jobs.
        autodiscover_modules("job_handlers")


class TaskQueueConfig(TasksAppConfig):
    """django-tasks' database backend (the queue table), named in French in the admin."""

    verbose_name = "File des tâches (django-tasks)"
