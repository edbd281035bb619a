from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "dentelle.jobs"
    label = "jobs"
    verbose_name = "Travaux de fond"
