# pure: no database
"""Vocabulary of the purchases app: natures, procedures, reservations, places, findings.

Here rather than in models.py so that the pure decision modules (the scanner's rules, the facts) use
the same values as the database without importing a model.
"""

from django.db.models.enums import TextChoices


class Nature(TextChoices):
    WORKS = "works", "Travaux"
    SERVICES = "services", "Services"
    SUPPLIES = "supplies", "Fournitures"

    @classmethod
    def of_cpv(cls, code):
        """By CPV division: 45 works; 03–44 and 48 (software packages) supplies; 49–98 services; "" if
        the code has no division."""
        if not code[:2].isdigit():
            return ""
        division = int(code[:2])
        if division == 45:
            return cls.WORKS
        return cls.SUPPLIES if division < 45 or division == 48 else cls.SERVICES


class ReservationKind(TextChoices):
    NONE = "", "Aucune réservation"
    SIAE = "siae", "Marché réservé aux SIAE (art. L2113-13 CCP)"
    DISABILITY = "disability", "Marché réservé aux EA et ESAT (art. L2113-12 CCP)"
    SIAE_AND_DISABILITY = "siae_and_disability", "Réservation conjointe SIAE, EA et ESAT (loi ASAP)"
    DETAINEES = "detainees", "Réservé aux opérateurs employant des détenus (art. L2113-13-1 CCP)"
    ESS = "ess", "Réservé aux entreprises de l'ESS (art. L2113-15 CCP)"


class OperationStatus(TextChoices):
    PLANNED = "planned", "Prévue"
    PREPARING = "preparing", "En préparation"
    LAUNCHED = "launched", "Consultation lancée"
    AWARDED = "awarded", "Attribuée"
    CANCELLED = "cancelled", "Abandonnée"


class Procedure(TextChoices):
    UNKNOWN = "", "Non précisée"
    NO_PROCEDURE = "no_procedure", "Sans publicité ni mise en concurrence (R2122-8 CCP)"
    ADAPTED = "adapted", "Procédure adaptée (MAPA)"
    ADAPTED_SMALL_LOT = "adapted_small_lot", "Procédure adaptée, exception des petits lots (R2123-1 2° CCP)"
    INSERTION_MARKET = "insertion_market", "Marché d'insertion (R2123-1 3° CCP)"
    FORMALISED = "formalised", "Procédure formalisée (appel d'offres, procédure avec négociation…)"


class PlaceKind(TextChoices):
    UNKNOWN = "", "Non résolu"
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    EPT = "ept", "Établissement public territorial"
    DEPARTMENT = "department", "Département"
    REGION = "region", "Région"
    NATIONAL = "national", "National"


class ObligationException(TextChoices):
    """Reasons recorded for not placing the 2026 mandatory social condition (editable list, §3.2)."""

    NONE = "", "Aucune"
    NO_LINK = "no_link_to_subject", "Objet sans lien suffisant avec une condition sociale"
    COMPETITION = "restricts_competition", "Restreindrait la concurrence"
    DIFFICULTY = "technical_or_economic_difficulty", "Exécution techniquement ou économiquement difficile"
    DEFENCE = "defence_security", "Marché de défense ou de sécurité"
    OTHER = "other", "Autre motif (préciser)"


class FindingStatus(TextChoices):
    PROPOSED = "proposed", "Proposée"
    ACCEPTED = "accepted", "Acceptée"
    REJECTED = "rejected", "Rejetée"


class FindingKind(TextChoices):
    SOCIAL_CLAUSE = "social_clause", "Clause sociale d'insertion"
    MANDATORY_CONDITION = "mandatory_condition", "Condition sociale obligatoire (2026)"
    RESERVATION = "reservation", "Réservation aux SIAE / EA-ESAT"
    ALLOTMENT = "allotment", "Allotissement territorial"
    CARVE_OUT = "carve_out", "Lot détaché (exception des petits lots)"
    NEW_SECTOR = "new_sector", "Clause dans un secteur nouveau"
    AWARD_CRITERION = "award_criterion", "Critère social d'attribution"
