from django.apps import AppConfig


class ReferentialsConfig(AppConfig):
    name = "dentelle.referentials"
    label = "referentials"
    default_auto_field = "django.db.models.BigAutoField"
