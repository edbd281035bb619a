from django.conf import settings
from django.db import models
from django.utils import timezone

# What each stored audit action code means, as the admin shows it (the code itself stays as stored: the
# log lines and any query on the table use it). A code missing here is shown with its underscores as spaces.
AUDIT_ACTION_LABELS = {
    "admin_list": "liste des bénéficiaires (administration)",
    "admin_view": "fiche d'un bénéficiaire (administration)",
    "consultation": "fiche d'un bénéficiaire",
    "creation": "création d'un bénéficiaire",
    "liste_beneficiaires": "liste des bénéficiaires",
    "liste_declarations": "déclarations d'heures d'un marché",
    "declarations_a_valider": "déclarations d'heures à valider",
    "formulaire_declaration": "formulaire de déclaration d'heures",
    "validation_groupee": "validation groupée de déclarations d'heures",
    "api_declarations": "déclarations d'heures (API)",
    "api_declaration": "déclaration d'heures enregistrée (API)",
    "voir contacts": "contacts d'une structure consultés",
    "voir contacts (API)": "contacts d'une structure consultés (API)",
    "ajouter contact": "contact ajouté à une structure",
    "modifier contact": "contact d'une structure modifié",
    "retirer contact": "contact retiré d'une structure",
}


def audit_action_label(code):
    """« admin_view » → « fiche d'un bénéficiaire (administration) »; an unknown code, readable."""
    return AUDIT_ACTION_LABELS.get(code) or code.replace("_", " ")


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
        # Paris time, as every page shows it (the column holds UTC).
        at = timezone.localtime(self.at).strftime("%d/%m/%Y %H:%M") if self.at else "—"
        return f"{at} {self.user or 'anonyme'} : {self.action_label} ({self.object_type}:{self.object_id})"

    @property
    def action_label(self):
        return audit_action_label(self.action)


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
