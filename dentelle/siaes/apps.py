from django.apps import AppConfig


class SiaesConfig(AppConfig):
    name = "dentelle.siaes"
    verbose_name = "Annuaire des SIAE"
