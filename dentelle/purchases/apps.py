from django.apps import AppConfig


class PurchasesConfig(AppConfig):
    name = "dentelle.purchases"
    label = "purchases"
    default_auto_field = "django.db.models.BigAutoField"
