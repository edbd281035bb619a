from django.apps import AppConfig


class DecpConfig(AppConfig):
    name = "dentelle.decp"
    verbose_name = "Données essentielles (DECP)"
