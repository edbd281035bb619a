# pure: no database
"""Columns of a plan file: French aliases of each field, header matching, the user's own mapping.

Headers are recognised by their aliases, accents, case, punctuation, abbreviations and little words
ignored (« Mt estimé HT (en €) » is the amount).
"""

import re

from dentelle.core import tabular
from dentelle.core.text import ascii_fold
from dentelle.purchases.plan_data import PlanFileError


def normalise_header(text):
    """« Montant estimé (€) » → « montant estime »: folded ASCII words."""
    return re.sub(r"[^a-z0-9]+", " ", ascii_fold(text)).strip()


# Canonical column → aliases (normalised). The first alias is the label shown to users.
ALIASES = {
    "operation_reference": [
        "reference operation",
        "reference",
        "ref",
        "n operation",
        "numero operation",
        "id",
    ],
    "title": [
        "objet",
        "intitule",
        "libelle",
        "objet du marche",
        "intitule de l operation",
        "titre",
    ],
    "description": ["description", "descriptif", "commentaire"],
    "lot_number": ["lot", "n lot", "numero de lot", "n de lot"],
    "lot_title": ["intitule du lot", "libelle du lot", "objet du lot"],
    "family": ["famille d achat", "famille", "categorie d achat", "segment"],
    "cpv": ["code cpv", "cpv", "code cpv principal", "code cpv8"],
    "additional_cpv": ["codes cpv complementaires", "cpv complementaires"],
    "amount": [
        "montant estime ht",
        "montant ht",
        "montant estime",
        "montant",
        "montant total ht",
        "montant previsionnel ht",
        "montant previsionnel",
        "estimation ht",
        "estimation",
        "budget previsionnel",
        "budget",
    ],
    "annual_amount": ["montant annuel", "montant annuel ht", "montant annuel estime"],
    "duration_months": ["duree", "duree mois", "duree en mois", "duree du marche"],
    "renewals": ["reconduction", "reconductions", "nombre de reconductions"],
    "launch_date": [
        "date previsionnelle de lancement",
        "date de lancement",
        "lancement",
        "date previsionnelle",
        "date de lancement previsionnelle",
        "date previsionnelle de publication",
        "date de publication",
    ],
    "place": [
        "lieu d execution",
        "lieu",
        "lieux d execution",
        "lieu execution nom",
        "territoire",
        "commune",
        "departement",
    ],
    "place_code": ["code lieu", "code insee", "code du lieu", "lieu execution code"],
    "service": ["direction service", "direction", "service", "service acheteur", "direction acheteuse"],
    "nature": ["nature", "type de marche", "nature du marche"],
    "procedure": ["procedure", "type de procedure"],
    "clause_hours": ["heures d insertion", "heures clause", "clause sociale heures"],
    "reservation": ["reservation", "marche reserve"],
    "sites_count": ["nombre de sites", "sites"],
    "transferred_staff_monthly_hours": [
        "heures mensuelles reprises",
        "heures mensuelles du personnel a reprendre",
    ],
}
LINE_ALIASES = {
    "operation_reference": ["reference operation", "operation", "reference", "ref"],
    "reference": ["reference ligne", "n ligne", "ligne", "poste"],
    "description": ["designation", "description", "libelle", "corps d etat"],
    "cpv": ["code cpv", "cpv"],
    "amount": ["montant ht", "montant", "montant estime ht"],
}
LABELS = {key: aliases[0] for key, aliases in ALIASES.items()}
# What the upload page shows for each target field (the user may change the automatic mapping).
FIELD_LABELS = {
    "operation_reference": "Référence de l'opération",
    "title": "Objet (obligatoire)",
    "description": "Description",
    "lot_number": "Numéro de lot",
    "lot_title": "Intitulé du lot",
    "family": "Famille d'achat",
    "cpv": "Code CPV principal",
    "additional_cpv": "Codes CPV complémentaires",
    "amount": "Montant estimé HT",
    "annual_amount": "Montant annuel HT",
    "duration_months": "Durée (mois)",
    "renewals": "Reconductions",
    "launch_date": "Date prévisionnelle de lancement",
    "place": "Lieu d'exécution",
    "place_code": "Code du lieu (INSEE, postal, département)",
    "service": "Direction / service",
    "nature": "Nature (travaux, services, fournitures)",
    "procedure": "Procédure",
    "clause_hours": "Heures d'insertion prévues",
    "reservation": "Réservation",
    "sites_count": "Nombre de sites",
    "transferred_staff_monthly_hours": "Heures mensuelles du personnel à reprendre",
}

# Abbreviations and variants buyers write in headers (« Date prév. de lancement », « Mt estimé »).
HEADER_WORDS = {
    "prev": "previsionnelle",
    "previ": "previsionnelle",
    "previs": "previsionnelle",
    "previsionnel": "previsionnelle",
    "previsionnels": "previsionnelle",
    "estim": "estime",
    "estimee": "estime",
    "estimes": "estime",
    "estimatif": "estime",
    "mt": "montant",
    "mnt": "montant",
    "mont": "montant",
    "montants": "montant",
    "dt": "date",
    "lanc": "lancement",
    "exec": "execution",
    "num": "n",
    "no": "n",
    "numero": "n",
    "desc": "description",
    "ref": "reference",
    "lots": "lot",
    "lieux": "lieu",
}
# Little words and units that do not tell columns apart (« Montant estimé HT (en €) »).
HEADER_STOPWORDS = frozenset({"de", "du", "d", "des", "l", "la", "le", "les", "en", "eur", "euros", "euro"})
HEADER_SCAN_ROWS = tabular.HEADER_SCAN_ROWS


def header_key(text):
    """A header reduced for matching: accents, case, punctuation, abbreviations and little words ignored."""
    words = [HEADER_WORDS.get(w, w) for w in normalise_header(text).split()]
    return " ".join(w for w in words if w not in HEADER_STOPWORDS)


def find_header_row(rows, aliases=ALIASES, scan=HEADER_SCAN_ROWS):
    """Index of the header row among the first rows: the one where most columns are recognised and the
    object is found (0 when none has it: the caller then reports the missing column)."""

    def score(row):
        mapping = map_headers(row, aliases)
        return len(mapping) if "title" in mapping else None

    return tabular.find_header_row(rows, score, scan)


def map_headers(headers, aliases=ALIASES):
    """{canonical: index} for the headers recognised; exact alias first, then prefix match."""
    found = {}
    normalised = [header_key(h) for h in headers]
    aliases = {key: [header_key(name) for name in names] for key, names in aliases.items()}
    for key, names in aliases.items():
        for name in names:
            if name in normalised and normalised.index(name) not in found.values():
                found[key] = normalised.index(name)
                break
    for key, names in aliases.items():
        if key in found:
            continue
        for index, header in enumerate(normalised):
            if index in found.values():
                continue
            if any(header.startswith(name) for name in names if len(name) > 4):
                found[key] = index
                break
    return found


def user_mapping(choices, column_count):
    """{canonical: index} from the upload page's choices ``{index: canonical or ""}`` ("" = ignore).

    Raises ``PlanFileError`` (French) on an unknown field, a column out of range or a field chosen twice.
    """
    mapping = {}
    for index, key in sorted(choices.items()):
        if not key:
            continue
        if key not in ALIASES:
            raise PlanFileError(f"Colonne {index + 1} : donnée « {key} » inconnue.")
        if not 0 <= index < column_count:
            raise PlanFileError(f"Colonne {index + 1} absente du fichier.")
        if key in mapping:
            raise PlanFileError(
                f"« {FIELD_LABELS[key]} » est attribué à deux colonnes ({mapping[key] + 1} et {index + 1})."
            )
        mapping[key] = index
    return mapping
