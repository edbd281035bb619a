from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dentelle.core"
    verbose_name = "Journal d'accès"
