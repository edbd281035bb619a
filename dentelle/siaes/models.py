"""The SIAE directory: structures, what they can do (competences), where, how much, and sourcing.

Field lineage: `provenance` maps a field name to {"source", "date"} (which import or which person
set it, and the date of that data). `edited_fields` lists the fields a person changed: imports never
overwrite them.
"""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from dentelle.core.models import TimeStampedModel
from dentelle.core.text import plain_words
from dentelle.core.validators import validate_siret
from dentelle.siaes import kinds as kind_rules
from dentelle.siaes.enums import (
    SERVICE_KIND_FIELDS,
    AreaKind,
    AreaOrigin,
    CapacityMetric,
    CompetenceOrigin,
    NetworkKind,
    ServiceKind,
    SiaeKind,
)
from dentelle.siaes.querysets import SiaeQuerySet

__all__ = ["SiaeKind", "ServiceKind", "CompetenceOrigin", "AreaKind", "CapacityMetric", "NetworkKind"]

CPV_PREFIX_VALIDATOR = RegexValidator(r"^\d{2,8}$", "Préfixe CPV : de 2 à 8 chiffres.")


class Network(models.Model):
    """A network of structures (Coorace, FEI, UNEA…) or a label (RSEi, ESUS…)."""

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant", max_length=100, unique=True)
    kind = models.CharField("nature", max_length=10, choices=NetworkKind.choices, default=NetworkKind.NETWORK)
    website = models.URLField("site", blank=True)

    class Meta:
        verbose_name = "réseau ou label"
        verbose_name_plural = "réseaux et labels"
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class Siae(TimeStampedModel):
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validate_siret])
    siren = models.CharField("SIREN", max_length=9, db_index=True)
    name = models.CharField("raison sociale", max_length=255)
    brand = models.CharField("enseigne", max_length=255, blank=True)
    kind = models.CharField("type", max_length=6, choices=SiaeKind.choices)
    is_active = models.BooleanField("active", default=True)
    legal_form = models.CharField("forme juridique", max_length=120, blank=True)
    naf = models.CharField("code NAF (APE)", max_length=5, blank=True, help_text="format APE : 8130Z")
    address = models.CharField("adresse", max_length=255, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("ville", max_length=120, blank=True)
    commune_insee_code = models.CharField("commune (code INSEE)", max_length=5, blank=True, db_index=True)
    department_code = models.CharField("département", max_length=3, blank=True, db_index=True)
    region_code = models.CharField("région", max_length=3, blank=True, db_index=True)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    website = models.URLField("site internet", max_length=300, blank=True)
    description = models.TextField("présentation", blank=True)
    offers_service_provision = models.BooleanField(ServiceKind.SERVICE_PROVISION.label, default=False)
    offers_staff_provision = models.BooleanField(ServiceKind.STAFF_PROVISION.label, default=False)
    offers_goods_production = models.BooleanField(ServiceKind.GOODS_PRODUCTION.label, default=False)
    networks = models.ManyToManyField(
        Network, verbose_name="réseaux et labels", blank=True, related_name="siaes"
    )
    external_ids = models.JSONField(
        "identifiants externes", default=dict, blank=True, help_text="asp, finess, lemarche…"
    )
    provenance = models.JSONField("origine des données", default=dict, blank=True)
    edited_fields = models.JSONField("champs modifiés à la main", default=list, blank=True)
    search_text = models.CharField(max_length=600, blank=True, editable=False)

    objects = SiaeQuerySet.as_manager()

    class Meta:
        verbose_name = "structure inclusive"
        verbose_name_plural = "structures inclusives"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="siae_coords_idx"),
            models.Index(fields=["is_active", "department_code"], name="siae_active_dept_idx"),
            # The result list's order; is_active included so the walk for a page of ids reads the
            # index only (search.ResultPages), never the wide rows.
            models.Index(fields=["name", "id", "is_active"], name="siae_name_active_idx"),
            # Counting a kind filter reads this small index instead of the wide rows (provenance).
            models.Index(fields=["kind", "is_active"], name="siae_kind_active_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.kind})"

    def save(self, *args, **kwargs):
        self.search_text = self.compute_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def compute_search_text(self):
        return plain_words(f"{self.name} {self.brand} {self.city}")[:600]

    @property
    def display_name(self):
        return self.brand or self.name

    @property
    def kinds(self):
        """Main kind first, then the kinds of its other conventions."""
        seen = [self.kind]
        for convention in self.conventions.all():
            if convention.kind not in seen:
                seen.append(convention.kind)
        return seen

    @property
    def reservation_bases(self):
        bases = []
        for kind in self.kinds:
            for basis in kind_rules.reservation_bases(kind):
                if basis not in bases:
                    bases.append(basis)
        return bases

    @property
    def reservation_note(self):
        return kind_rules.reservation_note(self.kind)

    @property
    def service_kinds(self):
        return [kind for kind, field in SERVICE_KIND_FIELDS.items() if getattr(self, field)]

    @property
    def naf_dotted(self):
        """'8130Z' → '81.30Z' (the key of referentials.NafCode)."""
        return f"{self.naf[:2]}.{self.naf[2:]}" if len(self.naf) == 5 else self.naf

    def mark_edited(self, fields, source, date):
        """Record a person's edit: the fields become protected from imports."""
        for name in fields:
            if name not in self.edited_fields:
                self.edited_fields.append(name)
            self.provenance[name] = {"source": source, "date": str(date)}


class Convention(models.Model):
    """An ASP convention (measure) held by a structure: one SIRET can hold several (e.g. EI and ACI)."""

    siae = models.ForeignKey(Siae, on_delete=models.CASCADE, related_name="conventions")
    kind = models.CharField("type", max_length=6, choices=SiaeKind.choices, db_index=True)
    asp_id = models.CharField("identifiant ASP", max_length=20, blank=True)
    department_code = models.CharField("département de la convention", max_length=3, blank=True)
    source = models.CharField("source", max_length=40)

    class Meta:
        verbose_name = "convention"
        constraints = [
            models.UniqueConstraint(fields=["siae", "kind", "asp_id"], name="unique_siae_convention")
        ]

    def __str__(self):
        return f"{self.kind} {self.asp_id}".strip()


class Competence(models.Model):
    """What a structure can do, as a CPV prefix (2 to 8 digits), with where we learned it."""

    siae = models.ForeignKey(Siae, on_delete=models.CASCADE, related_name="competences")
    cpv_prefix = models.CharField(
        "préfixe CPV", max_length=8, validators=[CPV_PREFIX_VALIDATOR], db_index=True
    )
    origin = models.CharField("origine", max_length=12, choices=CompetenceOrigin.choices)
    rationale = models.CharField("justification", max_length=400, blank=True)
    created_at = models.DateTimeField("ajoutée le", auto_now_add=True)

    class Meta:
        verbose_name = "compétence"
        ordering = ["cpv_prefix"]
        constraints = [
            models.UniqueConstraint(fields=["siae", "cpv_prefix", "origin"], name="unique_siae_competence")
        ]
        # Covers the EXISTS of the competence filter on SQLite (prefix, then the structure: no row
        # read); PostgreSQL prefers the single-column index above for its ancestors-OR-range bitmap.
        indexes = [models.Index(fields=["cpv_prefix", "siae"], name="competence_prefix_siae_idx")]

    def __str__(self):
        return f"{self.cpv_prefix} ({self.get_origin_display()})"


class ServiceArea(models.Model):
    """Where a structure works: national, a region, a department, a commune or a radius around its site."""

    siae = models.ForeignKey(Siae, on_delete=models.CASCADE, related_name="service_areas")
    kind = models.CharField("étendue", max_length=10, choices=AreaKind.choices)
    code = models.CharField(
        "code INSEE", max_length=5, blank=True, help_text="région, département ou commune"
    )
    radius_km = models.PositiveIntegerField("rayon (km)", null=True, blank=True)
    origin = models.CharField(
        "origine", max_length=10, choices=AreaOrigin.choices, default=AreaOrigin.DECLARED
    )

    class Meta:
        verbose_name = "zone d'intervention"
        verbose_name_plural = "zones d'intervention"
        constraints = [
            models.UniqueConstraint(fields=["siae", "kind", "code"], name="unique_siae_area"),
            models.CheckConstraint(
                condition=~models.Q(kind="radius") | models.Q(radius_km__gt=0), name="radius_area_has_km"
            ),
        ]

    def __str__(self):
        if self.kind == AreaKind.RADIUS:
            return f"{self.radius_km} km autour du site"
        if self.kind == AreaKind.NATIONAL:
            return AreaKind.NATIONAL.label
        return f"{self.get_kind_display()} {self.code}"


class Capacity(models.Model):
    """One known capacity value, with its source and date. No row = unknown (never zero)."""

    siae = models.ForeignKey(Siae, on_delete=models.CASCADE, related_name="capacities")
    metric = models.CharField("indicateur", max_length=20, choices=CapacityMetric.choices)
    value = models.DecimalField("valeur", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    source = models.CharField("source", max_length=200)
    as_of = models.DateField("date de la donnée")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisie par", null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "capacité"
        verbose_name_plural = "capacités"
        constraints = [
            models.UniqueConstraint(fields=["siae", "metric"], name="unique_siae_capacity"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="capacity_value_not_negative"),
        ]
        # Covers the EXISTS of "capacité connue" (metric first: the filter, then the structure).
        indexes = [models.Index(fields=["metric", "siae"], name="capacity_metric_siae_idx")]

    def __str__(self):
        return f"{self.get_metric_display()} : {self.value}"


class SourcingNote(TimeStampedModel):
    """What was learned meeting a structure (sourcing with the regional networks)."""

    siae = models.ForeignKey(Siae, on_delete=models.CASCADE, related_name="sourcing_notes")
    date = models.DateField("date de l'échange")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", null=True, on_delete=models.SET_NULL
    )
    who_met = models.CharField("personnes rencontrées", max_length=300)
    learned = models.TextField("ce que nous avons appris")
    next_steps = models.TextField("suites à donner", blank=True)

    class Meta:
        verbose_name = "note de sourcing"
        verbose_name_plural = "notes de sourcing"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date} — {self.siae}"


class Contact(models.Model):
    """A person at the structure. Shown only to roles allowed by permissions.can_see_contacts."""

    siae = models.ForeignKey(Siae, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("nom", max_length=200)
    role = models.CharField("fonction", max_length=200, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)

    class Meta:
        verbose_name = "contact"
        ordering = ["name"]

    def __str__(self):
        return self.name


class WonContract(models.Model):
    """A public contract the structure won (DECP record or declared)."""

    siae = models.ForeignKey(Siae, on_delete=models.CASCADE, related_name="won_contracts")
    decp_id = models.CharField("identifiant DECP", max_length=80, blank=True)
    buyer_name = models.CharField("acheteur", max_length=300)
    buyer_siret = models.CharField("SIRET de l'acheteur", max_length=14, blank=True)
    object = models.CharField("objet", max_length=1000)
    cpv_code = models.CharField("code CPV", max_length=8, blank=True)
    amount = models.DecimalField("montant HT (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    date = models.DateField("date de notification", null=True, blank=True)
    source = models.CharField("source", max_length=100, blank=True)

    class Meta:
        verbose_name = "marché remporté"
        verbose_name_plural = "marchés remportés"
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["siae", "decp_id"], condition=~models.Q(decp_id=""), name="unique_siae_decp_id"
            )
        ]

    def __str__(self):
        return f"{self.object[:60]} ({self.buyer_name})"


class ImportedFile(models.Model):
    """Fingerprint of a source file at its last committed import (lets the demo skip unchanged files).

    The fingerprint also covers the NAF → CPV table: a new mapping must reach the structures even
    when the source file itself did not change.
    """

    source = models.CharField("source", max_length=20)
    path = models.CharField("fichier", max_length=400)
    fingerprint = models.CharField("empreinte SHA-256", max_length=64)
    changes = models.IntegerField("modifications", default=0)
    imported_at = models.DateTimeField("importé le", auto_now=True)

    class Meta:
        verbose_name = "fichier importé"
        verbose_name_plural = "fichiers importés"
        constraints = [models.UniqueConstraint(fields=["source", "path"], name="unique_imported_file")]

    def __str__(self):
        return f"{self.source} {self.path}"
