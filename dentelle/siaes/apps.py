from django.apps import AppConfig


class SiaesConfig(AppConfig):
    name = "dentelle.siaes"
    label = "siaes"
    default_auto_field = "django.db.models.BigAutoField"
