# pure: no database
"""Wording of the social clause for the consultation documents (pure).

CCAG 2021 art. 16.1 requires the contract documents to state at minimum: the scope (périmètre), the
facilitator's contact where there is one, the eligible public profiles and the volume of insertion
hours (domain §5). A clause without an hour volume is inoperative (DAE guide, domain §7.1): we refuse
to write one and say why.
"""

from dataclasses import dataclass, field

from dentelle.core.formatting import grouped_int

ELIGIBLE_PUBLICS = (
    "les demandeurs d'emploi de longue durée (inscrits depuis plus de 12 mois, ou moins de 6 mois "
    "d'activité au cours des 12 derniers mois)",
    "les bénéficiaires de minima sociaux (RSA, ASS, AAH, allocation d'invalidité) et leurs ayants droit",
    "les travailleurs handicapés, les salariés d'entreprises adaptées (EA, EATT) et les usagers d'ESAT",
    "les jeunes de moins de 26 ans de niveau de qualification inférieur ou égal au CAP/BEP, sortis du "
    "système scolaire depuis au moins 6 mois",
    "les demandeurs d'emploi de plus de 50 ans",
    "les habitants des quartiers prioritaires de la politique de la ville éloignés de l'emploi",
    "les salariés des structures d'insertion par l'activité économique (AI, ETTI, EI, ACI, art. L5132-4 "
    "du code du travail) et des régies de quartier ou de territoire agréées",
    "les salariés en parcours d'insertion d'un GEIQ",
    "les jeunes accompagnés par un EPIDE ou une école de la deuxième chance",
    "toute autre personne rencontrant des difficultés sociales ou professionnelles, sur avis motivé de "
    "France Travail, d'une mission locale, d'un PLIE, d'une maison de l'emploi ou de la MDPH, validé par "
    "le facilitateur",
)

FULFILMENT_MODES = (
    "l'embauche directe (CDI, CDD, contrat d'apprentissage ou de professionnalisation)",
    "la mise à disposition de salariés par une association intermédiaire, une ETTI ou un GEIQ",
    "la sous-traitance ou la co-traitance d'une partie du marché à une SIAE ou une entreprise adaptée",
    "la formation de personnes éligibles, dans les conditions fixées avec le facilitateur",
)


@dataclass(frozen=True)
class ClauseFacts:
    lot_title: str
    insertion_hours: float | None
    operation_title: str = ""
    lot_number: str = ""
    buyer_name: str = ""
    facilitator_name: str = ""
    facilitator_organisation: str = ""
    facilitator_email: str = ""
    facilitator_phone: str = ""
    duration_months: int | None = None


@dataclass
class ClauseWording:
    text: str
    complete: bool
    missing: list = field(default_factory=list)


def clause_wording(facts: ClauseFacts) -> ClauseWording:
    missing = []
    if not facts.lot_title.strip():
        missing.append("le périmètre (objet du lot)")
    if not facts.insertion_hours or facts.insertion_hours <= 0:
        missing.append("le volume d'heures d'insertion (une clause non chiffrée est inopérante)")
    has_facilitator = bool(facts.facilitator_name or facts.facilitator_email or facts.facilitator_phone)
    if not has_facilitator:
        missing.append("les coordonnées du facilitateur")
    if any(m.startswith(("le volume", "le périmètre")) for m in missing):
        return ClauseWording(text="", complete=False, missing=missing)

    scope = (
        f"lot n° {facts.lot_number} « {facts.lot_title} »" if facts.lot_number else f"« {facts.lot_title} »"
    )
    if facts.operation_title:
        scope += f" de l'opération « {facts.operation_title} »"
    duration = f" sur une durée d'exécution de {facts.duration_months} mois" if facts.duration_months else ""
    buyer = facts.buyer_name or "l'acheteur"
    lines = [
        "Article — Clause sociale d'insertion (condition d'exécution)",
        "",
        "En application de l'article L2112-2 du code de la commande publique et de l'article 16.1 du CCAG "
        "applicable, le titulaire s'engage à réaliser une action d'insertion permettant l'accès ou le "
        "retour à l'emploi de personnes rencontrant des difficultés sociales ou professionnelles "
        "particulières.",
        "",
        "1. Périmètre",
        f"La clause s'applique à l'exécution du {scope}{duration}, y compris aux prestations sous-traitées.",
        "",
        "2. Volume d'heures d'insertion",
        f"Le titulaire réalise au minimum {grouped_int(round(facts.insertion_hours))} heures de travail effectuées par "
        "des personnes éligibles pendant la durée du marché. Ce volume est un engagement contractuel ; "
        "les heures réalisées sont justifiées chaque mois auprès du facilitateur.",
        "",
        "3. Publics éligibles",
        "Sont éligibles, notamment :",
        *[f"- {public} ;" for public in ELIGIBLE_PUBLICS],
        "",
        "Le titulaire peut satisfaire à son engagement par :",
        *[f"- {mode} ;" for mode in FULFILMENT_MODES],
        "",
        "4. Facilitateur",
    ]
    if has_facilitator:
        who = facts.facilitator_name or "Le facilitateur"
        if facts.facilitator_organisation:
            who += f" ({facts.facilitator_organisation})"
        contact = ", ".join(x for x in (facts.facilitator_email, facts.facilitator_phone) if x)
        lines.append(
            f"{who} accompagne le titulaire : identification et présélection des candidats, vérification "
            f"de leur éligibilité, suivi des parcours et des heures réalisées"
            + (f". Contact : {contact}." if contact else ".")
        )
    else:
        lines.append(
            f"{buyer} communiquera au titulaire les coordonnées du facilitateur chargé de l'accompagner "
            "dans la mise en œuvre de la clause."
        )
    lines += [
        "",
        "Le titulaire désigne un correspondant chargé du suivi de la clause et transmet chaque mois au "
        "facilitateur l'état des heures réalisées par personne et par modalité. Le non-respect de "
        "l'engagement peut donner lieu aux pénalités prévues au CCAP.",
    ]
    return ClauseWording(text="\n".join(lines), complete=not missing, missing=missing)
