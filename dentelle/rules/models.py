from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from dentelle.core.models import TimeStampedModel
from dentelle.rules.lookups import overridable_paths


def validate_override_value(value):
    if value in ("", None):
        return
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError("Valeur numérique attendue (ex. 0.60 ou 28).") from None
    if number < 0:
        raise ValidationError("Valeur négative interdite.")


class RuleOverride(TimeStampedModel):
    """An organisation's own value for one rules parameter, with who, why and which source."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="rule_overrides",
        verbose_name="organisation",
    )
    parameter_path = models.CharField(
        "paramètre",
        max_length=120,
        help_text="Ex. family.green_spaces.labour_share ou screening.min_able_structures",
    )
    value = models.CharField(
        "valeur",
        max_length=40,
        blank=True,
        validators=[validate_override_value],
        help_text="Vide = valeur inconnue",
    )
    who = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="modifié par"
    )
    why = models.TextField("motif")
    source = models.CharField("source", max_length=500)
    date = models.DateField("date d'effet")
    is_active = models.BooleanField("active", default=True)
    to_confirm = models.BooleanField(
        "à confirmer",
        default=False,
        help_text="Valeur de travail de l'organisation, sans source publiée : elle est signalée « à confirmer »",
    )

    class Meta:
        verbose_name = "surcharge de règle"
        verbose_name_plural = "surcharges de règles"
        ordering = ["organisation", "parameter_path", "-date"]

    def __str__(self):
        return f"{self.organisation} : {self.parameter_path} = {self.value or '—'}"

    def clean(self):
        if self.parameter_path not in overridable_paths():
            raise ValidationError({"parameter_path": "Paramètre inconnu dans les fichiers de règles."})
