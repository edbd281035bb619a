"""Enumerations of the insertion app: fulfilment modes, eligible publics, beneficiary facts.

Codes follow the domain doc (§5, §6): clause categories are Dentelle's own (§6.1), IAE criteria
reuse the les-emplois codes as they are (`gip-inclusion/les-emplois:itou/eligibility/enums.py`).
"""

from django.db import models

# The trade families (rules/) list the modes that fit them: one vocabulary, defined below insertion.
from dentelle.rules.enums import FulfilmentMode  # noqa: F401


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon (à valider)"
    VALIDATED = "validated", "Validée par le facilitateur"


class PartyRole(models.TextChoices):
    CO_CONTRACTOR = "co_contractor", "Co-traitant"
    SUBCONTRACTOR = "subcontractor", "Sous-traitant"


class ClauseCategory(models.TextChoices):
    """Who can be counted under a clause (domain §6.1, CCAG 2021 art. 16.1.1.1)."""

    LONG_TERM_JOBSEEKER = "LONG_TERM_JOBSEEKER", "Demandeur d'emploi de longue durée"
    MINIMA_SOCIAUX = "MINIMA_SOCIAUX", "Bénéficiaire de minima sociaux (RSA, ASS, AAH…)"
    DISABLED_WORKER = "DISABLED_WORKER", "Travailleur handicapé"
    YOUTH_LOW_QUALIFICATION = "YOUTH_LOW_QUALIFICATION", "Jeune de moins de 26 ans peu ou pas qualifié"
    SENIOR_JOBSEEKER = "SENIOR_JOBSEEKER", "Demandeur d'emploi de plus de 50 ans"
    QPV_RESIDENT = "QPV_RESIDENT", "Résident d'un quartier prioritaire (QPV)"
    IAE_EMPLOYEE = "IAE_EMPLOYEE", "Salarié d'une SIAE (AI, ETTI, EI, ACI)"
    GEIQ_EMPLOYEE = "GEIQ_EMPLOYEE", "Salarié d'un GEIQ"
    EPIDE = "EPIDE", "Jeune accompagné par un EPIDE"
    E2C = "E2C", "Stagiaire d'une école de la deuxième chance (E2C)"
    OTHER_ON_REFERRAL = "OTHER_ON_REFERRAL", "Autre public sur avis motivé d'un prescripteur"


class IaeCriterion(models.TextChoices):
    """IAE administrative criteria, les-emplois codes (domain §6.2)."""

    RSA = "RSA", "Bénéficiaire du RSA"
    AAH = "AAH", "Allocation aux adultes handicapés"
    ASS = "ASS", "Allocataire ASS"
    DETLD = "DETLD", "Demandeur d'emploi de très longue durée (+24 mois)"
    CAP_BEP = "CAP_BEP", "Niveau d'étude 3 (CAP, BEP) ou infra"
    SENIOR = "SENIOR", "Senior (+ de 50 ans)"
    JEUNE = "JEUNE", "Jeune (- de 26 ans)"
    ASE = "ASE", "Aide sociale à l'enfance"
    DELD = "DELD", "Demandeur d'emploi de longue durée (12-24 mois)"
    TH = "TH", "Travailleur handicapé"
    PI = "PI", "Parent isolé"
    PSH_PR = "PSH_PR", "Personne sans hébergement ou ayant un parcours de rue"
    REF_DA = "REF_DA", "Réfugié, protégé ou demandeur d'asile"
    ZRR = "ZRR", "Résident ZRR"
    QPV = "QPV", "Résident QPV"
    DETENTION_MJ = "DETENTION_MJ", "Sortant de détention ou placé sous main de justice"
    FLE = "FLE", "Maîtrise de la langue française"
    PM = "PM", "Problème de mobilité"


IAE_LEVEL_1 = {IaeCriterion.RSA, IaeCriterion.ASS, IaeCriterion.AAH, IaeCriterion.DETLD}

# The one vocabulary of the yearly report is the clause's public (ClauseCategory). An IAE criterion that
# describes one of those publics counts there, once; the others (lone parent, ASE, mobility…) say who an
# SIAE may hire, not who a clause counts, and stay out of that table (two notions, not merged).
IAE_CRITERION_PUBLIC = {
    IaeCriterion.RSA: ClauseCategory.MINIMA_SOCIAUX,
    IaeCriterion.ASS: ClauseCategory.MINIMA_SOCIAUX,
    IaeCriterion.AAH: ClauseCategory.MINIMA_SOCIAUX,
    IaeCriterion.DETLD: ClauseCategory.LONG_TERM_JOBSEEKER,
    IaeCriterion.DELD: ClauseCategory.LONG_TERM_JOBSEEKER,
    IaeCriterion.TH: ClauseCategory.DISABLED_WORKER,
    IaeCriterion.SENIOR: ClauseCategory.SENIOR_JOBSEEKER,
    IaeCriterion.QPV: ClauseCategory.QPV_RESIDENT,
}
# Young and at most CAP/BEP: both criteria together make the « young without qualification » public.
YOUTH_CRITERIA = frozenset({IaeCriterion.JEUNE, IaeCriterion.CAP_BEP})


def clause_publics(categories, criteria):
    """The clause publics of a beneficiary: declared categories plus those its IAE criteria imply."""
    publics = {ClauseCategory(c) for c in categories if c in ClauseCategory.values}
    criteria = set(criteria or ())
    publics |= {IAE_CRITERION_PUBLIC[c] for c in criteria if c in IAE_CRITERION_PUBLIC}
    if YOUTH_CRITERIA <= criteria:
        publics.add(ClauseCategory.YOUTH_LOW_QUALIFICATION)
    return publics


class Sex(models.TextChoices):
    FEMALE = "F", "Femme"
    MALE = "M", "Homme"


class AgeBand(models.TextChoices):
    UNDER_26 = "under_26", "Moins de 26 ans"
    FROM_26_TO_49 = "26_49", "26 à 49 ans"
    FROM_50 = "50_plus", "50 ans et plus"


class EmploymentContractType(models.TextChoices):
    CDI = "CDI", "CDI"
    CDD = "CDD", "CDD"
    CDDI = "CDDI", "CDD d'insertion (SIAE)"
    TEMPORARY_WORK = "INTERIM", "Mission d'intérim (ETTI)"
    STAFF_PROVISION = "MAD", "Mise à disposition (AI, GEIQ)"
    APPRENTICESHIP = "APPRENTISSAGE", "Contrat d'apprentissage"
    PROFESSIONALISATION = "PRO", "Contrat de professionnalisation"
    TRAINING = "FORMATION", "Formation ou stage"
    OTHER = "AUTRE", "Autre"


class ExitOutcome(models.TextChoices):
    ONGOING = "", "En cours"
    SUSTAINABLE_JOB = "sustainable_job", "Emploi durable (CDI, CDD de 6 mois et plus)"
    TEMPORARY_JOB = "temporary_job", "Emploi de transition (CDD de moins de 6 mois, intérim)"
    TRAINING = "training", "Formation qualifiante"
    IAE_PATH = "iae_path", "Poursuite de parcours en SIAE"
    JOB_SEARCH = "job_search", "Recherche d'emploi"
    OTHER = "other", "Autre sortie"


EMPLOYMENT_OUTCOMES = {ExitOutcome.SUSTAINABLE_JOB, ExitOutcome.TEMPORARY_JOB}
