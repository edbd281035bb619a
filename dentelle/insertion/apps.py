from django.apps import AppConfig


class InsertionConfig(AppConfig):
    name = "dentelle.insertion"
    verbose_name = "Suivi des clauses d'insertion"

    def ready(self):
        # lazy: ready() runs once the app registry is ready; totals imports models
        from dentelle.insertion import totals  # noqa: F401  (connects the signal)
