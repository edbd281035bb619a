"""SIAE directory. Minimal core created by the foundation; the directory issue extends it."""

from django.db import models

from dentelle.core.models import TimeStampedModel


class SiaeKind(models.TextChoices):
    ACI = "ACI", "Atelier et chantier d'insertion (ACI)"
    AI = "AI", "Association intermédiaire (AI)"
    EI = "EI", "Entreprise d'insertion (EI)"
    ETTI = "ETTI", "Entreprise de travail temporaire d'insertion (ETTI)"
    EITI = "EITI", "Entreprise d'insertion par le travail indépendant (EITI)"
    GEIQ = "GEIQ", "Groupement d'employeurs pour l'insertion et la qualification (GEIQ)"
    EA = "EA", "Entreprise adaptée (EA)"
    EATT = "EATT", "Entreprise adaptée de travail temporaire (EATT)"
    ESAT = "ESAT", "Établissement et service d'aide par le travail (ESAT)"


class Siae(TimeStampedModel):
    siret = models.CharField("SIRET", max_length=14, unique=True)
    siren = models.CharField("SIREN", max_length=9, db_index=True)
    name = models.CharField("raison sociale", max_length=255)
    brand = models.CharField("enseigne", max_length=255, blank=True)
    kind = models.CharField("type", max_length=6, choices=SiaeKind.choices, db_index=True)
    is_active = models.BooleanField("active", default=True)
    commune_insee_code = models.CharField("commune (code INSEE)", max_length=5, blank=True, db_index=True)
    department_code = models.CharField("département", max_length=3, blank=True, db_index=True)
    region_code = models.CharField("région", max_length=3, blank=True, db_index=True)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)

    class Meta:
        verbose_name = "structure inclusive"
        verbose_name_plural = "structures inclusives"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.kind})"
