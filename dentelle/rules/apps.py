from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "dentelle.rules"
    verbose_name = "Règles et paramètres"
