"""Template filters for a finding's figures: {% load findings %} then
{% for name, value, source in finding.figures|figure_rows %}.

The figures are stored under English keys (``{"eu_threshold": {"value": …, "source": …}}``); the lot page
shows each under a French label, its value in the French number format. A finding stored before
migration 0004 (French keys, ``"valeur"``) is shown the same way, so old and new rows read alike until
the migration has run.
"""

import re
from decimal import Decimal, InvalidOperation

from django import template

from dentelle.core.formatting import format_share, format_value
from dentelle.purchases.report import KIND_LABELS
from dentelle.rules.types import PARAM_LABELS

register = template.Library()

# English key → the French key the figure had until December 2026 (migration 0004 maps them back).
FIGURE_NAMES = {
    "eu_threshold": "seuil_europeen",
    "obligation_date": "date_obligation",
    "market_value": "valeur_marche",
    "able_structures": "structures_capables",
    "annual_amount": "montant_annuel",
    "min_share": "part_minimale",
    "capacity": "capacite",
    "min_lot_amount": "lot_min",
    "chain_hours": "heures_chaine_de_calcul",
    "plausibility_ceiling": "plafond_vraisemblance",
    "method": "methode",
    "budget_20_percent": "budget_20pc",
    "budget_used": "budget_utilise",
    "lot_ceiling": "plafond_lot",
}
# What the lot page shows for the scanner's own figures; the hours estimator's carry their label.
FIGURE_LABELS = {
    "eu_threshold": "seuil européen de la procédure formalisée (€ HT)",
    "obligation_date": "date d'entrée en vigueur de la condition sociale obligatoire",
    "market_value": "valeur du marché, tous lots (€ HT)",
    "able_structures": "structures capables sur le territoire du lot",
    "annual_amount": "montant annuel du lot (€ HT)",
    "min_share": "part minimale de travailleurs défavorisés ou handicapés",
    "capacity": "capacité annuelle des structures capables (€)",
    "min_lot_amount": "montant minimal d'un lot (€ HT)",
    "chain_hours": "heures de la chaîne de calcul",
    "plausibility_ceiling": "plafond de vraisemblance (heures)",
    "method": "méthode",
    "budget_20_percent": "budget des petits lots : 20 % de la valeur du marché (€ HT)",
    "budget_used": "budget des petits lots déjà utilisé (€ HT)",
    "lot_ceiling": "plafond d'un petit lot (€ HT)",
    "min_able_structures": "structures capables au minimum par lot",
    "default_capacity_per_structure": "capacité retenue par structure, faute de donnée (€ par an)",
    # The hours estimator's, for findings stored before their label was (December 2026).
    "family": "famille de métiers",
    "amount": "montant HT (€)",
    "insertion_effort": "effort d'insertion (€)",
    "raw_hours": "heures avant arrondi",
    "labour_hours": "heures de main-d'œuvre du lot",
    "floor_hours": "plancher d'heures",
    "A": "chiffre d'affaires estimé du lot (A, €)",
    "T": "taux d'insertion (T)",
    "S": "heures mensuelles du personnel repris (S)",
    "N": "durée en mois (N)",
    "C": "chiffre d'affaires par heure travaillée (C, €)",
    "P": "pondération reprise du personnel (P)",
}
FRENCH_KEYS = {french: english for english, french in FIGURE_NAMES.items()}
# Figures that are shares of 1, shown as percentages (0.05 → « 5 % »).
SHARES = frozenset({"labour_share", "insertion_rate", "min_share", "T"})


@register.filter
def figure_rows(figures):
    """(label, value as users read it, source) for each figure, in stored order; a row stored before
    migration 0004 (French keys, « valeur ») reads the same."""
    rows = []
    for key, figure in (figures or {}).items():
        figure = figure if isinstance(figure, dict) else {}
        key = FRENCH_KEYS.get(key, key)
        value = figure["value"] if "value" in figure else figure.get("valeur")
        label = figure.get("label") or FIGURE_LABELS.get(key) or PARAM_LABELS.get(key, key)
        shown = format_share(value, None) if key in SHARES and value not in (None, "") else _shown(value)
        source = figure.get("source", "")
        if key == "family":  # « cleaning — Nettoyage et propreté »: users read the French label only
            source = FAMILY_ID.sub("", source)
        rows.append((label, shown, source))
    return rows


# The trade family figure's source starts with the family's id (« green_spaces — … »).
FAMILY_ID = re.compile(r"^[a-z0-9_]+ — ")
RULE_NUMBER = re.compile(r"^(R\d+)")


@register.filter
def rule_number(rule_id):
    """« R5-carve-out » → « R5 »: the short hint shown beside a finding's French kind label."""
    match = RULE_NUMBER.match(rule_id or "")
    return match[1] if match else rule_id


@register.filter
def kind_label(kind):
    """A finding kind's short French label (« carve_out » → « Lot détaché »), as the plan page's tiles."""
    return KIND_LABELS.get(kind, kind)


ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _shown(value):
    """A figure's value as users read it: « 22/08/2026 », « 2 111,1 », « 0,045 »; "" when it has none
    (a trade family, no floor: the source then says it all)."""
    if value in (None, ""):
        return ""
    text = str(value)
    date = ISO_DATE.match(text)
    if date:
        return f"{date[3]}/{date[2]}/{date[1]}"
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text
    # Large numbers need no long tail of decimals (« 105,555556 h »); small rates keep theirs.
    return format_value(number, max_decimals=1 if abs(number) >= 10 else 4)
