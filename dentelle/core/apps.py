from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dentelle.core"
    verbose_name = "Journal d'accès"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
