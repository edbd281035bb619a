"""Template filters for a finding's figures: {% load findings %} then
{% for name, value, source in finding.figures|figure_rows %}.

The figures are stored under English keys (``{"eu_threshold": {"value": …, "source": …}}``); the lot page
shows the names it has always shown. A finding stored before migration 0004 (French keys, ``"valeur"``)
is shown the same way, so old and new rows read alike until the migration has run.
"""

from django import template

register = template.Library()

# English key → the name the lot page shows (the French key the figure had until December 2026).
# Figures of the hours estimator (amount, labour_share…) kept their names and are shown as they are.
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


@register.filter
def figure_rows(figures):
    """(name shown, value, source) for each figure, in stored order; old French keys read as well."""
    rows = []
    for key, figure in (figures or {}).items():
        figure = figure if isinstance(figure, dict) else {}
        value = figure["value"] if "value" in figure else figure.get("valeur")
        rows.append((FIGURE_NAMES.get(key, key), value, figure.get("source", "")))
    return rows
