from django.apps import AppConfig


class DecpConfig(AppConfig):
    name = "dentelle.decp"
    label = "decp"
    default_auto_field = "django.db.models.BigAutoField"
