"""Purchase plans: plan → operations → lots and line items; scanner findings on lots."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from dentelle.core.models import TimeStampedModel
from dentelle.purchases.enums import (  # noqa: F401 - the models' vocabulary, importable by pure modules
    FindingKind,
    FindingStatus,
    Nature,
    ObligationException,
    OperationStatus,
    PlaceKind,
    Procedure,
    ReservationKind,
)

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}


def reservation_kind_field():
    """The reservation of a lot or of a contract: the same column wherever it is stored."""
    return models.CharField(
        "réservation",
        max_length=24,
        choices=ReservationKind.choices,
        default=ReservationKind.NONE,
        blank=True,
    )


class PurchasePlan(TimeStampedModel):
    """A buyer's plan of future purchases (programmation des achats) for one year."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="purchase_plans",
        verbose_name="organisation",
    )
    year = models.PositiveIntegerField("année")
    name = models.CharField("nom", max_length=200)
    source_file = models.CharField("fichier source", max_length=300, blank=True)

    class Meta:
        verbose_name = "programmation des achats"
        verbose_name_plural = "programmations des achats"
        ordering = ["-year", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_plan_name")]

    def __str__(self):
        return f"{self.name} ({self.year})"


class Operation(TimeStampedModel):
    """A purchase project of a buyer service."""

    plan = models.ForeignKey(
        PurchasePlan,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="operations",
        verbose_name="programmation",
    )
    buyer_service = models.ForeignKey(
        "accounts.BuyerService",
        on_delete=models.PROTECT,
        related_name="operations",
        verbose_name="service acheteur",
    )
    reference = models.CharField("référence", max_length=80)
    title = models.CharField("objet", max_length=500)
    description = models.TextField("description", blank=True)
    nature = models.CharField("nature", max_length=10, choices=Nature.choices)
    estimated_amount = models.DecimalField("montant estimé HT (€)", null=True, **MONEY)
    duration_months = models.PositiveIntegerField("durée (mois)", null=True, blank=True)
    renewals = models.PositiveIntegerField("nombre de reconductions", default=0)
    planned_launch_date = models.DateField("date prévisionnelle de lancement", null=True, blank=True)
    places_text = models.CharField("lieux d'exécution", max_length=500, blank=True)
    status = models.CharField(
        "statut", max_length=12, choices=OperationStatus.choices, default=OperationStatus.PLANNED
    )

    class Meta:
        verbose_name = "opération d'achat"
        verbose_name_plural = "opérations d'achat"
        # One per plan, service and reference: re-importing a plan updates its operations in place, and a
        # recurring purchase keeps its reference from one yearly plan to the next, each year its own.
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "buyer_service", "reference"], name="unique_operation_reference_in_plan"
            ),
            models.UniqueConstraint(
                fields=["buyer_service", "reference"],
                condition=models.Q(plan__isnull=True),
                name="unique_unplanned_operation_reference",
            ),
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
    additional_cpv_codes = models.JSONField("codes CPV complémentaires", default=list, blank=True)
    estimated_amount = models.DecimalField("montant estimé HT (€)", null=True, **MONEY)
    annual_amount = models.DecimalField("montant annuel HT (€)", null=True, blank=True, **MONEY)
    duration_months = models.PositiveIntegerField("durée (mois)", null=True, blank=True)
    place_text = models.CharField("lieu d'exécution", max_length=300, blank=True)
    place_kind = models.CharField("type de lieu", max_length=12, choices=PlaceKind.choices, blank=True)
    place_code = models.CharField("code du lieu (INSEE ou SIREN)", max_length=12, blank=True)
    department_codes = models.JSONField("départements couverts", default=list, blank=True)
    region_code = models.CharField("code région", max_length=3, blank=True)
    sites_count = models.PositiveIntegerField("nombre de sites", null=True, blank=True)
    procedure = models.CharField("procédure", max_length=20, choices=Procedure.choices, blank=True)
    # Planned social measures.
    clause_hours = models.PositiveIntegerField("heures d'insertion prévues (clause)", null=True, blank=True)
    has_employment_condition = models.BooleanField(
        "autre condition sociale ou d'emploi prévue", default=False
    )
    reservation_kind = reservation_kind_field()
    social_award_criterion = models.BooleanField("critère social d'attribution (R2152-7)", default=False)
    insertion_market = models.BooleanField("marché d'insertion (R2123-1 3°)", default=False)
    territorial_split = models.JSONField("découpage territorial retenu", default=list, blank=True)
    transferred_staff_monthly_hours = models.DecimalField(
        "heures mensuelles du personnel à reprendre (propreté)", null=True, blank=True, **MONEY
    )
    obligation_exception_code = models.CharField(
        "exception à l'obligation 2026", max_length=40, choices=ObligationException.choices, blank=True
    )
    obligation_exception_text = models.TextField("motif de l'exception", blank=True)

    class Meta:
        verbose_name = "lot"
        constraints = [models.UniqueConstraint(fields=["operation", "number"], name="unique_lot_number")]

    def __str__(self):
        return f"Lot {self.number} — {self.title}"

    @property
    def has_social_condition(self):
        return bool(self.clause_hours) or self.has_employment_condition or self.insertion_market


class LineItem(TimeStampedModel):
    """One line of an operation's cost estimate, by trade (e.g. « plantations »)."""

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="line_items", verbose_name="opération"
    )
    reference = models.CharField("référence", max_length=40, blank=True)
    description = models.CharField("désignation", max_length=500)
    cpv_code = models.CharField("code CPV", max_length=8, blank=True)
    amount = models.DecimalField("montant HT (€)", **MONEY)
    carved_out_lot = models.ForeignKey(
        Lot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_line_items",
        verbose_name="lot détaché",
    )

    class Meta:
        verbose_name = "ligne d'estimation"
        verbose_name_plural = "lignes d'estimation"
        ordering = ["operation", "id"]

    def __str__(self):
        return self.description


class Finding(TimeStampedModel):
    """What the scanner proposes for a lot, with its reasons; the officer accepts or rejects it."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="findings", verbose_name="lot")
    subject = models.CharField("objet visé", max_length=80, blank=True, help_text="Ex. la ligne détachée")
    rule_id = models.CharField("règle", max_length=40)
    kind = models.CharField("type", max_length=24, choices=FindingKind.choices)
    estimated_hours = models.PositiveIntegerField("heures estimées", null=True, blank=True)
    reasons = models.JSONField("motifs", default=list)
    legal_basis = models.CharField("fondement", max_length=300, blank=True)
    figures = models.JSONField("chiffres utilisés", default=dict)
    proposal = models.JSONField("proposition", default=dict, blank=True)
    parameter_versions = models.JSONField("versions des paramètres", default=dict)
    status = models.CharField(
        "décision", max_length=10, choices=FindingStatus.choices, default=FindingStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="décidé par"
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    rejection_reason = models.TextField("motif du rejet", blank=True)
    is_current = models.BooleanField("toujours proposé par le dernier balayage", default=True)

    class Meta:
        verbose_name = "constat du balayage"
        verbose_name_plural = "constats du balayage"
        ordering = ["lot", "rule_id"]
        constraints = [models.UniqueConstraint(fields=["lot", "rule_id", "subject"], name="unique_finding")]

    def __str__(self):
        return f"{self.rule_id} — {self.lot}"


class Site(TimeStampedModel):
    """One site of a multi-site contract (a lycée, an office, a station): what the fine territorial
    allotment (docs/adr/0008) assigns to lots. Its amount is annual (€ HT per year); a site without
    one shares the lot's annual amount by ``weight``."""

    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="sites", verbose_name="opération"
    )
    lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.SET_NULL, related_name="sites", verbose_name="lot"
    )
    name = models.CharField("site", max_length=300)
    address = models.CharField("adresse", max_length=300, blank=True)
    commune_code = models.CharField("code INSEE de la commune", max_length=5, blank=True)
    commune_name = models.CharField("commune", max_length=100, blank=True)
    department = models.CharField("département", max_length=3, blank=True)
    latitude = models.FloatField("latitude")
    longitude = models.FloatField("longitude")
    amount = models.DecimalField("montant annuel HT (€)", null=True, blank=True, **MONEY)
    weight = models.FloatField("poids (surface, élèves, heures…)", null=True, blank=True)
    group = models.CharField("groupe (sites à garder ensemble)", max_length=80, blank=True)

    class Meta:
        verbose_name = "site d'exécution"
        verbose_name_plural = "sites d'exécution"
        ordering = ["operation", "id"]

    def __str__(self):
        return f"{self.name} ({self.commune_name or self.department})"
