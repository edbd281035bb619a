import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dentelle.core.models import TimeStampedModel
from dentelle.core.roles import Role


class OrganisationKind(models.TextChoices):
    REGION = "region", "Région"
    DEPARTMENT = "department", "Département"
    MUNICIPALITY = "municipality", "Commune ou intercommunalité"
    STATE = "state", "Service de l'État"
    OTHER_BUYER = "other_buyer", "Autre acheteur public"
    OPCS = "opcs", "Organisation porteuse de la clause sociale (facilitateur)"


class Organisation(TimeStampedModel):
    """A public buyer (e.g. the Île-de-France Region)."""

    name = models.CharField("nom", max_length=200, unique=True)
    kind = models.CharField(
        "type", max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.REGION
    )
    siret = models.CharField("SIRET", max_length=14, blank=True)
    region_code = models.CharField(
        "code région", max_length=3, blank=True, help_text="Territoire de l'acheteur"
    )

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]

    def __str__(self):
        return self.name


class BuyerService(TimeStampedModel):
    """A buyer service (direction, service acheteur) inside an organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="services")
    name = models.CharField("nom", max_length=200)
    code = models.CharField("sigle", max_length=40, blank=True)

    class Meta:
        verbose_name = "service acheteur"
        verbose_name_plural = "services acheteurs"
        ordering = ["organisation", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_service_name")]

    def __str__(self):
        return self.name


class User(AbstractUser):
    role = models.CharField("rôle", max_length=30, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", null=True, blank=True, on_delete=models.SET_NULL
    )
    buyer_service = models.ForeignKey(
        BuyerService, verbose_name="service acheteur", null=True, blank=True, on_delete=models.SET_NULL
    )
    siae = models.ForeignKey(
        "siaes.Siae",
        verbose_name="structure (membre de SIAE)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )

    class Meta:
        verbose_name = "utilisateur"

    @property
    def role_label(self):
        return Role(self.role).label if self.role else ""


def hash_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TimeStampedModel):
    """A per-user API key. Only its SHA-256 is stored; the raw key is shown once."""

    PREFIX = "dtl_"
    LAST_USE_EVERY = timedelta(hours=1)  # `last_used_at` is written at most once an hour (no write per call)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("nom", max_length=100, default="clé API")
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField("début de la clé", max_length=12)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)

    class Meta:
        verbose_name = "clé d'API"
        verbose_name_plural = "clés d'API"

    def __str__(self):
        return f"{self.key_prefix}… ({self.user})"

    @classmethod
    def issue(cls, user, name="clé API"):
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=hash_token(raw), key_prefix=raw[:12])
        return token, raw

    @classmethod
    def authenticate(cls, raw):
        if not raw:
            return None
        token = (
            cls.objects.select_related("user")
            .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= cls.LAST_USE_EVERY:
            stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - cls.LAST_USE_EVERY)
            cls.objects.filter(stale, pk=token.pk).update(last_used_at=now)
        return token.user

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
