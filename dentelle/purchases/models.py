"""Purchase plans. Minimal core created by the foundation; the purchase-plan issue extends it."""

from django.db import models

from dentelle.core.models import TimeStampedModel


class Nature(models.TextChoices):
    WORKS = "works", "Travaux"
    SERVICES = "services", "Services"
    SUPPLIES = "supplies", "Fournitures"


class ReservationKind(models.TextChoices):
    NONE = "", "Aucune réservation"
    SIAE = "siae", "Marché réservé aux SIAE (art. L2113-13 CCP)"
    DISABILITY = "disability", "Marché réservé aux EA et ESAT (art. L2113-12 CCP)"
    SIAE_AND_DISABILITY = "siae_and_disability", "Réservation conjointe SIAE, EA et ESAT (loi ASAP)"
    DETAINEES = "detainees", "Réservé aux opérateurs employant des détenus (art. L2113-13-1 CCP)"
    ESS = "ess", "Réservé aux entreprises de l'ESS (art. L2113-15 CCP)"


class Operation(TimeStampedModel):
    """A purchase project of a buyer service."""

    buyer_service = models.ForeignKey(
        "accounts.BuyerService",
        on_delete=models.PROTECT,
        related_name="operations",
        verbose_name="service acheteur",
    )
    reference = models.CharField("référence", max_length=80)
    title = models.CharField("objet", max_length=500)
    nature = models.CharField("nature", max_length=10, choices=Nature.choices)
    estimated_amount = models.DecimalField(
        "montant estimé HT (€)", max_digits=14, decimal_places=2, null=True
    )

    class Meta:
        verbose_name = "opération d'achat"
        verbose_name_plural = "opérations d'achat"
        constraints = [
            models.UniqueConstraint(fields=["buyer_service", "reference"], name="unique_operation_reference")
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"


class Lot(TimeStampedModel):
    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="lots", verbose_name="opération"
    )
    number = models.CharField("n° de lot", max_length=20, default="1")
    title = models.CharField("intitulé", max_length=500)
    cpv_code = models.CharField("code CPV principal", max_length=8, blank=True)
    estimated_amount = models.DecimalField(
        "montant estimé HT (€)", max_digits=14, decimal_places=2, null=True
    )
    reservation_kind = models.CharField(
        "réservation",
        max_length=24,
        choices=ReservationKind.choices,
        default=ReservationKind.NONE,
        blank=True,
    )

    class Meta:
        verbose_name = "lot"
        constraints = [models.UniqueConstraint(fields=["operation", "number"], name="unique_lot_number")]

    def __str__(self):
        return f"Lot {self.number} — {self.title}"
