# pure: no database
from django.db.models.enums import TextChoices


class Role(TextChoices):
    DIRECTION = "direction", "Direction"
    PURCHASING_OFFICER = "purchasing_officer", "Chargé(e) des achats responsables"
    BUYER = "buyer", "Acheteur d'un service"
    FACILITATOR = "facilitator", "Facilitateur des clauses sociales"
    SIAE_MEMBER = "siae_member", "Membre d'une SIAE"
    READER = "reader", "Lecteur"


# What each role may do, as shown on the home page (French, for people).
CAPABILITIES = {
    Role.DIRECTION: [
        "Voir toute la programmation, les structures, l'avancement de l'objectif annuel et les rapports",
        "Décider des recommandations et consulter les bénéficiaires (accès journalisé)",
    ],
    Role.PURCHASING_OFFICER: [
        "Importer et balayer la programmation des achats de tous les services",
        "Accepter ou rejeter les recommandations, modifier toute fiche SIAE, noter le sourcing",
    ],
    Role.BUYER: [
        "Déposer et consulter la programmation de son service",
        "Consulter l'annuaire des SIAE et les structures capables de répondre à ses lots",
    ],
    Role.FACILITATOR: [
        "Suivre l'exécution des clauses, saisir et valider les heures réalisées",
        "Gérer les bénéficiaires (données personnelles, accès journalisé) et produire le bilan annuel",
    ],
    Role.SIAE_MEMBER: [
        "Mettre à jour la fiche de sa structure (compétences, capacité, zone d'intervention)",
        "Voir les opportunités qui lui correspondent et y répondre",
    ],
    Role.READER: [
        "Consulter l'annuaire (sans les contacts), la programmation et les tableaux de bord",
    ],
}


def capabilities_of(role, is_superuser=False):
    if is_superuser and role is None:
        return ["Administrer l'application (tous les droits)"]
    return CAPABILITIES.get(role, [])
