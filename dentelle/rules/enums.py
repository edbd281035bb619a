# pure: no database
"""Vocabulary the rules files share with the stored data (TextChoices only: importable by pure modules)."""

from django.db.models.enums import TextChoices


class FulfilmentMode(TextChoices):
    """How a holder fulfils a social clause: the trade families list the modes that fit them."""

    DIRECT_HIRE = "DIRECT_HIRE", "Embauche directe"
    STAFF_PROVISION = "STAFF_PROVISION", "Mise à disposition (AI, ETTI, GEIQ)"
    SUBCONTRACTING = "SUBCONTRACTING", "Sous-traitance à une SIAE"
    CO_CONTRACTING = "CO_CONTRACTING", "Co-traitance avec une SIAE"
    TRAINING = "TRAINING", "Formation"
