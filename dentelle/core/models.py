from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True


class AuditLog(models.Model):
    """Who looked at or changed sensitive data (beneficiaries, contacts), and when."""

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="utilisateur", null=True, on_delete=models.SET_NULL
    )
    action = models.CharField("action", max_length=40)
    object_type = models.CharField("type d'objet", max_length=80)
    object_id = models.CharField("identifiant", max_length=80, blank=True)
    detail = models.CharField("détail", max_length=400, blank=True)

    class Meta:
        verbose_name = "journal d'accès"
        verbose_name_plural = "journal d'accès"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_type}:{self.object_id}"


class DataVersion(models.Model):
    """One row per named version: a random token that database triggers change on every write to the
    tables the version tracks (`dentelle.core.versions`). Pages that aggregate many rows cache their
    figures under it, so no process shows a stale figure."""

    name = models.CharField("nom", max_length=40, primary_key=True)
    counter = models.BigIntegerField("modifications", default=0)
    token = models.CharField("jeton", max_length=32, default="")

    class Meta:
        verbose_name = "version des données"
        verbose_name_plural = "versions des données"

    def __str__(self):
        return f"{self.name} {self.counter} ({self.token})"
