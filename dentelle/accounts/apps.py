from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dentelle.accounts"
    verbose_name = "Comptes et organisations"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
