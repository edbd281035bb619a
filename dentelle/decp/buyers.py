"""Category of a DECP buyer, from its published name and its SIREN (pure).

The DECP give no legal category: the name says it most of the time (« Région Normandie », « Commune de
Lambersart », « OPH d'Amiens Métropole »); otherwise the SIREN's first digits do for local authorities
(INSEE numbering: 21 communes, 22 départements, 23 régions, 24–25 groupings and local public bodies;
1 the State). Each category says which EU threshold applies to it (``central`` for the State, ``other``
otherwise: thresholds.toml).
"""

import re

from dentelle.core.text import fold

CATEGORIES = {
    "etat": "État et ses services",
    "region": "Région",
    "departement": "Département",
    "commune": "Commune",
    "intercommunalite": "Intercommunalité (EPCI, EPT, métropole)",
    "syndicat": "Syndicat mixte ou intercommunal",
    "sante": "Établissement de santé ou médico-social",
    "logement": "Bailleur social",
    "enseignement": "Établissement d'enseignement",
    "sdis": "Service d'incendie et de secours",
    "autre": "Autre acheteur",
}
# (category, pattern on the folded name), first match wins: the most specific first.
NAME_RULES = (
    ("sdis", r"\bsdis\b|service departemental d.?incendie|incendie et de secours"),
    ("logement", r"\boph\b|office public de l.?habitat|\bhlm\b|habitat\b|logement|\bsemcoda\b"),
    (
        "sante",
        r"\bchu\b|\bchr\b|\bchru\b|\bccas\b|centre communal d.?action sociale|hospital|hopita|centre hospitalier|\bghu?\b|\bght\b|\bap-?hp\b|\behpad\b"
        r"|sante|medico|clinique|etablissement francais du sang",
    ),
    (
        "enseignement",
        r"\blycee|\bcollege\b|universite|ecole|\binsa\b|\bcrous\b|academie|rectorat|\bcnrs\b|institut",
    ),
    (
        "etat",
        r"ministere|prefecture|\bprefet|direction (departementale|regionale|interregionale|generale)"
        r"|\bdreal\b|\bdirecc?te\b|\bdreets\b|\bddt(m)?\b|\bsgami\b|gendarmerie|\barmee|\bpolice\b"
        r"|commissariat des armees|\bdiriso\b|\bdir\b|service de sante des armees|\betat\b",
    ),
    (
        "region",
        r"^region\b|\bregion (auvergne|bourgogne|bretagne|centre|grand|hauts|ile|normandie|nouvelle"
        r"|occitanie|pays|provence|sud|guadeloupe|reunion|guyane|martinique)|conseil regional"
        r"|collectivite (territoriale )?de (corse|guyane|martinique)",
    ),
    ("departement", r"^departement\b|conseil (departemental|general)|\bdepartement (de|du|des|d')"),
    ("syndicat", r"\bsyndicat\b|\bsivom\b|\bsivu\b|\bsmictom\b|\bsictom\b|\bsmirtom\b|\bsyctom\b"),
    (
        "intercommunalite",
        r"communaute (de communes|d.?agglomeration|urbaine)|\bmetropole\b|etablissement public territorial"
        r"|\bagglo|\bcc\b|\bca\b|\bcu\b|\bepci\b|territoire\b",
    ),
    ("commune", r"^commune\b|^ville\b|\bmairie\b|^cne\b|commune d|commune de|ville d"),
)
SIREN_PREFIXES = (("21", "commune"), ("22", "departement"), ("23", "region"), ("24", "intercommunalite"))
_COMPILED = tuple((category, re.compile(pattern)) for category, pattern in NAME_RULES)


def buyer_category(siret, name):
    """The category code of a buyer (a key of ``CATEGORIES``)."""
    folded = fold(name)
    for category, pattern in _COMPILED:
        if pattern.search(folded):
            return category
    siren = (siret or "").strip()[:9]
    if siren.isdigit() and len(siren) == 9:
        for prefix, category in SIREN_PREFIXES:
            if siren.startswith(prefix):
                return category
        if siren.startswith("1"):
            return "etat"
    return "autre"


def threshold_category(category):
    """The buyer category of the EU thresholds (thresholds.toml): the State is a central authority."""
    return "central" if category == "etat" else "other"


SIZE_BANDS = (
    (1, "1 à 9 marchés"),
    (10, "10 à 49 marchés"),
    (50, "50 à 199 marchés"),
    (200, "200 marchés et plus"),
)


def size_band(contracts):
    """The size band of a buyer by its number of contracts in the file."""
    label = SIZE_BANDS[0][1]
    for minimum, name in SIZE_BANDS:
        if contracts >= minimum:
            label = name
    return label
