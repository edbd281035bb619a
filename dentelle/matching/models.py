"""What structures answered about a lot, and what the digest sent them."""

from django.conf import settings
from django.db import models

from dentelle.core.models import TimeStampedModel


class ResponseKind(models.TextChoices):
    INTERESTED = "interested", "Intéressée"
    NOT_INTERESTED = "not_interested", "Pas intéressée"
    CONSORTIUM = "consortium", "Intéressée en groupement (co-traitance ou sous-traitance)"


class LotResponse(TimeStampedModel):
    """A structure's answer to an opportunity, recorded on the lot for the buyer. One per lot and structure."""

    lot = models.ForeignKey(
        "purchases.Lot", on_delete=models.CASCADE, related_name="responses", verbose_name="lot"
    )
    siae = models.ForeignKey(
        "siaes.Siae", on_delete=models.CASCADE, related_name="lot_responses", verbose_name="structure"
    )
    kind = models.CharField("réponse", max_length=16, choices=ResponseKind.choices)
    reason = models.TextField("motif ou précisions", blank=True)
    partners = models.CharField("partenaires du groupement", max_length=500, blank=True)
    score = models.FloatField("score au moment de la réponse", null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="répondu par", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "réponse d'une structure"
        verbose_name_plural = "réponses des structures"
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["lot", "siae"], name="unique_lot_response")]

    def __str__(self):
        return f"{self.siae} — {self.get_kind_display()}"


class DigestDelivery(models.Model):
    """One opportunity announced to one structure by the digest: never announced twice."""

    lot = models.ForeignKey("purchases.Lot", on_delete=models.CASCADE, related_name="digest_deliveries")
    siae = models.ForeignKey("siaes.Siae", on_delete=models.CASCADE, related_name="digest_deliveries")
    score = models.FloatField("score")
    sent_at = models.DateTimeField("envoyé le", auto_now_add=True)
    recipients = models.CharField("destinataires", max_length=500, blank=True)

    class Meta:
        verbose_name = "opportunité envoyée"
        verbose_name_plural = "opportunités envoyées"
        constraints = [models.UniqueConstraint(fields=["lot", "siae"], name="unique_digest_delivery")]

    def __str__(self):
        return f"{self.lot_id} → {self.siae_id}"


class DigestOptOut(models.Model):
    """A structure that unsubscribed from the digest (through the signed link of an e-mail)."""

    siae = models.OneToOneField("siaes.Siae", on_delete=models.CASCADE, related_name="digest_opt_out")
    at = models.DateTimeField("désabonnée le", auto_now_add=True)

    class Meta:
        verbose_name = "désabonnement"
        verbose_name_plural = "désabonnements"

    def __str__(self):
        return f"désabonnement {self.siae_id}"
