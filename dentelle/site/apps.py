from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top layer: pages and commands that read every app (home page, /healthz, `dentelle demo`).
    Nothing imports it, so the apps below stay free of cycles (tests/test_import_cycles.py)."""

    name = "dentelle.site"
    verbose_name = "Site"

    def ready(self):
        from dentelle.site import health  # noqa: F401  (registers the DENTELLE_SITE_URL system check)
