from django.apps import AppConfig


class ReferentialsConfig(AppConfig):
    name = "dentelle.referentials"
    verbose_name = "Référentiels"

    def ready(self):
        # lazy: apps.py is imported before the app registry is ready (models, index)
        from django.core.signals import request_finished
        from django.db.models.signals import post_save

        from dentelle.referentials import models
        from dentelle.referentials.index import invalidate_index
        from dentelle.referentials.warmup import after_first_request

        def drop_index(**_kwargs):
            invalidate_index()

        # Rows edited one by one (admin, tests) make the cached index stale; loads invalidate it themselves.
        # No post_delete receiver on purpose: it would make Django delete row by row (slow bulk deletes).
        for model in (models.Region, models.Department, models.Grouping, models.Commune, models.CpvCode):
            post_save.connect(
                drop_index, sender=model, weak=False, dispatch_uid=f"referential-index-{model.__name__}"
            )
        # The index loads part by part on demand; after the first response, a background thread loads
        # the rest (never in tests or commands: see warmup.py).
        request_finished.connect(after_first_request, weak=False, dispatch_uid="referentials-warm-up")
