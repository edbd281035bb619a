from django.apps import AppConfig


class PurchasesConfig(AppConfig):
    name = "dentelle.purchases"
    verbose_name = "Programmation des achats"
