"""Execution of social clauses: contracts, beneficiaries (pseudonymised), hours declared, objective."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from dentelle.core.models import TimeStampedModel
from dentelle.core.validators import validate_siret
from dentelle.insertion.enums import (
    AgeBand,
    ClauseCategory,
    DeclarationStatus,
    EmploymentContractType,
    ExitOutcome,
    FulfilmentMode,
    IaeCriterion,
    PartyRole,
    Sex,
)
from dentelle.insertion.progress import month_add
from dentelle.purchases.models import reservation_kind_field

HOURS = {"max_digits": 10, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class AnnualObjective(TimeStampedModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="insertion_objectives"
    )
    year = models.PositiveSmallIntegerField("année")
    hours = models.DecimalField("objectif d'heures d'insertion", **HOURS)

    class Meta:
        verbose_name = "objectif annuel d'heures"
        verbose_name_plural = "objectifs annuels d'heures"
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="unique_objective_year")]

    def __str__(self):
        return f"{self.organisation} {self.year} : {self.hours} h"


class ContractQuerySet(models.QuerySet):
    def signed_by(self, day):
        return self.filter(signed_on__lte=day)

    def running_in(self, year):
        return self.filter(start_date__year__lte=year, end_date__year__gte=year)


class Contract(TimeStampedModel):
    """An awarded lot carrying a social clause (or reserved): what the holder owes."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="insertion_contracts"
    )
    buyer_service = models.ForeignKey(
        "accounts.BuyerService",
        verbose_name="service acheteur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="insertion_contracts",
    )
    lot = models.ForeignKey(
        "purchases.Lot",
        verbose_name="lot attribué",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="insertion_contracts",
    )
    reference = models.CharField("n° de marché", max_length=80)
    title = models.CharField("objet", max_length=500)
    project_name = models.CharField(
        "grand projet ou opération", max_length=300, blank=True, help_text="Regroupement du bilan annuel"
    )
    holder_siret = models.CharField("SIRET du titulaire", max_length=14, validators=[validate_siret])
    holder_name = models.CharField("titulaire", max_length=300)
    signed_on = models.DateField("notifié le")
    start_date = models.DateField("début d'exécution")
    end_date = models.DateField("fin d'exécution")
    amount = models.DecimalField(
        "montant HT (€)", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    required_hours = models.DecimalField("heures d'insertion exigées", **HOURS)
    reservation_kind = reservation_kind_field()
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="facilitateur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followed_contracts",
    )
    department_code = models.CharField("département d'exécution", max_length=3, blank=True)
    trade_family = models.CharField("famille de métiers", max_length=60, blank=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = "marché avec clause"
        verbose_name_plural = "marchés avec clause"
        ordering = ["-signed_on", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="unique_contract_reference"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="contract_dates_order"
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    @property
    def duration_months(self):
        return (
            (self.end_date.year - self.start_date.year) * 12 + self.end_date.month - self.start_date.month + 1
        )


class ContractParty(models.Model):
    """A co-contractor or subcontractor of a contract (an SIAE counts under CCAG 16.1.1.1)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField("rôle", max_length=20, choices=PartyRole.choices)
    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret])
    name = models.CharField("raison sociale", max_length=300)

    class Meta:
        verbose_name = "co-traitant ou sous-traitant"
        verbose_name_plural = "co-traitants et sous-traitants"

    def __str__(self):
        return f"{self.get_role_display()} : {self.name} ({self.siret})"


def new_pseudonym():
    # 40 bits of randomness, readable over the phone; never derived from a name or NIR.
    return "B-" + secrets.token_hex(5).upper()


class Beneficiary(TimeStampedModel):
    """A person counted under a clause, pseudonymised. Never a name or a social-security number.

    Coarse facts (sex, age band, QPV flag, department, criteria, outcome) feed the aggregates and stay;
    the fields in PERSONAL_FIELDS are purged after the retention period.
    """

    PERSONAL_FIELDS = (
        "commune_insee_code",
        "contract_start",
        "contract_end",
        "exited_on",
        "external_reference",
        "notes",
    )

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="beneficiaries"
    )
    pseudonym = models.CharField(
        "identifiant pseudonyme", max_length=16, unique=True, default=new_pseudonym, editable=False
    )
    clause_categories = models.JSONField("publics éligibles (clause)", default=list, blank=True)
    iae_criteria = models.JSONField("critères IAE (codes les emplois)", default=list, blank=True)
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices, blank=True)
    age_band = models.CharField("tranche d'âge", max_length=10, choices=AgeBand.choices, blank=True)
    is_qpv = models.BooleanField("réside en QPV", default=False)
    department_code = models.CharField("département de résidence", max_length=3, blank=True)
    employment_contract_type = models.CharField(
        "type de contrat", max_length=16, choices=EmploymentContractType.choices, blank=True
    )
    employment_months = models.DecimalField(
        "durée du contrat (mois)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Calculée à partir des dates ; conservée après la purge pour le bilan",
    )
    exit_outcome = models.CharField(
        "situation à la sortie",
        max_length=20,
        choices=ExitOutcome.choices,
        default=ExitOutcome.ONGOING,
        blank=True,
    )
    # Personal details, purged after settings.DENTELLE_BENEFICIARY_RETENTION_DAYS.
    commune_insee_code = models.CharField("commune de résidence (INSEE)", max_length=5, blank=True)
    contract_start = models.DateField("début du contrat", null=True, blank=True)
    contract_end = models.DateField("fin du contrat", null=True, blank=True)
    exited_on = models.DateField("date de sortie", null=True, blank=True)
    external_reference = models.CharField("référence du facilitateur", max_length=60, blank=True)
    notes = models.TextField("notes de suivi", blank=True)
    purged_at = models.DateTimeField("données personnelles purgées le", null=True, blank=True)

    class Meta:
        verbose_name = "bénéficiaire"
        ordering = ["pseudonym"]

    def __str__(self):
        return self.pseudonym

    def contract_warning(self, month):
        """Why hours declared for ``month`` (its first day) need a check: the month is wholly outside
        the beneficiary's work contract; "" when it is not (or the dates are unknown). A warning, not a
        refusal: the counting rules per contract are not encoded (docs/domain.md §5), and the contract
        may have been renewed without its dates being updated."""
        kind = self.get_employment_contract_type_display() or "contrat"
        if self.contract_end and month > self.contract_end:
            return (
                f"{month:%m/%Y} est après la fin du contrat du bénéficiaire {self.pseudonym} "
                f"({kind} terminé le {self.contract_end:%d/%m/%Y}) : vérifier le contrat avant de valider."
            )
        if self.contract_start and month_add(month, 1) <= self.contract_start:
            return (
                f"{month:%m/%Y} est avant le début du contrat du bénéficiaire {self.pseudonym} "
                f"({kind} commencé le {self.contract_start:%d/%m/%Y}) : vérifier le contrat avant de valider."
            )
        return ""

    @property
    def clause_category_labels(self):
        """The eligible publics as users read them (« Salarié d'un GEIQ », not GEIQ_EMPLOYEE)."""
        return _labels(ClauseCategory, self.clause_categories)

    @property
    def iae_criterion_labels(self):
        return _labels(IaeCriterion, self.iae_criteria)

    def save(self, *args, **kwargs):
        if self.commune_insee_code and not self.department_code:
            code = self.commune_insee_code
            self.department_code = code[:3] if code.startswith("97") else code[:2]
        if self.contract_start and self.contract_end and self.contract_end >= self.contract_start:
            days = (self.contract_end - self.contract_start).days + 1
            self.employment_months = Decimal(days * 12 / 365.25).quantize(Decimal("0.1"))
        super().save(*args, **kwargs)


def _labels(choices, codes):
    """French labels of stored codes; a code the enumeration no longer has is shown as stored."""
    labels = dict(choices.choices)
    return [labels.get(code, code) for code in codes or ()]


class DeclarationQuerySet(models.QuerySet):
    def current(self):
        return self.filter(superseded_at__isnull=True)

    def realised(self):
        """Hours that count: validated and not replaced by a validated correction."""
        return self.current().filter(status=DeclarationStatus.VALIDATED)


class HoursDeclaration(TimeStampedModel):
    """Hours worked by one beneficiary on one contract in one month, in one fulfilment mode.

    A correction is a new row (version + 1, ``supersedes`` the old one); the old row is marked
    superseded when the correction takes effect, never overwritten.
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="declarations")
    month = models.DateField("mois", help_text="Premier jour du mois")
    fulfilment_mode = models.CharField("modalité", max_length=20, choices=FulfilmentMode.choices)
    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name="bénéficiaire", on_delete=models.PROTECT, related_name="declarations"
    )
    hours = models.DecimalField("heures", max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])
    status = models.CharField(
        "statut", max_length=10, choices=DeclarationStatus.choices, default=DeclarationStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="validée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    validated_at = models.DateTimeField("validée le", null=True, blank=True)
    version = models.PositiveSmallIntegerField("version", default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name="remplace",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    superseded_at = models.DateTimeField("remplacée le", null=True, blank=True)
    comment = models.CharField("motif ou commentaire", max_length=300, blank=True)

    objects = DeclarationQuerySet.as_manager()

    @property
    def beneficiary_contract_warning(self):
        return self.beneficiary.contract_warning(self.month) if self.beneficiary_id else ""

    @classmethod
    def from_db(cls, db, field_names, values):
        # The status as read: a validated declaration set back (admin) must leave the totals (totals.py).
        instance = super().from_db(db, field_names, values)
        instance.loaded_status = instance.__dict__.get("status")
        return instance

    class Meta:
        verbose_name = "déclaration d'heures"
        verbose_name_plural = "déclarations d'heures"
        ordering = ["-month", "contract", "pk"]
        indexes = [models.Index(fields=["month", "status"], name="declaration_month_status")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="declaration_hours_positive"),
            # One first declaration per contract, month, beneficiary and mode; changes are corrections.
            models.UniqueConstraint(
                fields=["contract", "month", "beneficiary", "fulfilment_mode"],
                condition=Q(supersedes__isnull=True, superseded_at__isnull=True),
                name="unique_current_declaration",
                violation_error_message="Déjà déclaré pour ce marché, ce mois, ce bénéficiaire et cette "
                "modalité : utiliser une correction.",
            ),
        ]

    def __str__(self):
        return f"{self.contract.reference} {self.month:%m/%Y} {self.beneficiary_id} {self.hours} h (v{self.version})"


class RealisedMonth(models.Model):
    """Validated hours by month and by the dashboard's dimensions: a summary of HoursDeclaration.

    One row per organisation, month, buyer service, department, trade family and fulfilment mode,
    so the dashboard reads a few thousand rows instead of millions of declarations. Rebuilt by
    ``dentelle.insertion.totals`` whenever a validation or a contract's dimensions change it.
    """

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("mois")
    buyer_service = models.ForeignKey(
        "accounts.BuyerService", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department_code = models.CharField("département", max_length=3, blank=True)
    trade_family = models.CharField("famille de métiers", max_length=60, blank=True)
    fulfilment_mode = models.CharField("modalité", max_length=20, choices=FulfilmentMode.choices)
    hours = models.DecimalField("heures validées", max_digits=14, decimal_places=2)
    declarations = models.PositiveIntegerField("déclarations", default=0)

    class Meta:
        verbose_name = "heures validées du mois"
        verbose_name_plural = "heures validées par mois"
        indexes = [models.Index(fields=["organisation", "month"], name="realised_org_month")]

    def __str__(self):
        return f"{self.month:%m/%Y} {self.buyer_service_id} {self.department_code} {self.trade_family} : {self.hours} h"
