"""Template filters for a finding's figures: {% load findings %} then
{% for name, value, source in finding.figures|figure_rows %}.

The figures are stored under English keys (``{"eu_threshold": {"value": …, "source": …}}``); the lot page
shows each under a French label, its value in the French number format. A finding stored before
migration 0004 (French keys, ``"valeur"``) is shown the same way, so old and new rows read alike until
the migration has run.
"""

from django import template

from dentelle.core.formatting import format_value
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
    "min_share": "part minimale du marché pour une structure",
    "capacity": "capacité annuelle des structures capables (€)",
    "min_lot_amount": "montant minimal d'un lot (€ HT)",
    "chain_hours": "heures de la chaîne de calcul",
    "plausibility_ceiling": "plafond de vraisemblance (heures)",
    "method": "méthode",
    "budget_20_percent": "budget des petits lots : 20 % de la valeur du marché (€ HT)",
    "budget_used": "budget des petits lots déjà utilisé (€ HT)",
    "lot_ceiling": "plafond d'un petit lot (€ HT)",
}
FRENCH_KEYS = {french: english for english, french in FIGURE_NAMES.items()}


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
        shown = "inconnu" if value in (None, "") else format_value(value)
        rows.append((label, shown, figure.get("source", "")))
    return rows
