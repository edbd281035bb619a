from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dentelle.accounts"
    verbose_name = "Comptes et organisations"
