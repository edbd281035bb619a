"""Choices of the SIAE directory (English members, French labels)."""

from django.db import models


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
    SEP = "SEP", "Structure employant des personnes détenues (SEP)"


class ServiceKind(models.TextChoices):
    """What a structure offers; stored as three booleans on Siae (queryable on every database)."""

    SERVICE_PROVISION = "service_provision", "Prestation de service"
    STAFF_PROVISION = "staff_provision", "Mise à disposition de personnel"
    GOODS_PRODUCTION = "goods_production", "Fabrication et vente"


SERVICE_KIND_FIELDS = {
    ServiceKind.SERVICE_PROVISION: "offers_service_provision",
    ServiceKind.STAFF_PROVISION: "offers_staff_provision",
    ServiceKind.GOODS_PRODUCTION: "offers_goods_production",
}


class CompetenceOrigin(models.TextChoices):
    DECLARED = "declared", "Déclarée par la structure"
    NAF = "naf", "Déduite du code NAF"
    KIND = "kind", "Déduite du type de structure"
    WON_CONTRACT = "won_contract", "Apprise d'un marché remporté"
    SOURCING = "sourcing", "Relevée lors du sourcing"


class AreaKind(models.TextChoices):
    NATIONAL = "national", "France entière"
    REGION = "region", "Région"
    DEPARTMENT = "department", "Département"
    COMMUNE = "commune", "Commune"
    RADIUS = "radius", "Rayon autour du site"


class AreaOrigin(models.TextChoices):
    DECLARED = "declared", "Déclarée"
    DEFAULT = "default", "Par défaut (département du site)"


class CapacityMetric(models.TextChoices):
    INSERTION_FTE = "insertion_fte", "ETP en insertion"
    PERMANENT_FTE = "permanent_fte", "ETP permanents"
    ANNUAL_TURNOVER = "annual_turnover", "Chiffre d'affaires annuel (€)"
    LARGEST_CONTRACT = "largest_contract", "Plus gros marché réalisé ou accepté (€ HT)"
    FREE_MONTHLY_HOURS = "free_monthly_hours", "Heures mensuelles disponibles"
    AUTHORISED_PLACES = "authorised_places", "Places autorisées (ESAT)"


class NetworkKind(models.TextChoices):
    NETWORK = "network", "Réseau"
    LABEL = "label", "Label"
