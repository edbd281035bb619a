from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dentelle.core"
    verbose_name = "Journal d'accès"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from dentelle.core import health  # noqa: F401  (registers the DENTELLE_SITE_URL system check)
