"""Findings' figures under English keys: {"seuil_europeen": {"valeur": …}} → {"eu_threshold": {"value": …}}.

The scanner writes the English keys from now on; this rewrites the findings stored before. Reversible: the
figures of the hours estimator (amount, labour_share…) only lose "valeur" for "value", and no English name
below was used before, so going back gives the stored JSON as it was.
"""

from django.db import migrations

# Frozen here (a migration does not follow later renames in the code).
FIGURE_KEYS = {
    "seuil_europeen": "eu_threshold",
    "date_obligation": "obligation_date",
    "valeur_marche": "market_value",
    "structures_capables": "able_structures",
    "montant_annuel": "annual_amount",
    "part_minimale": "min_share",
    "capacite": "capacity",
    "lot_min": "min_lot_amount",
    "heures_chaine_de_calcul": "chain_hours",
    "plafond_vraisemblance": "plausibility_ceiling",
    "methode": "method",
    "budget_20pc": "budget_20_percent",
    "budget_utilise": "budget_used",
    "plafond_lot": "lot_ceiling",
}
FIELD_KEYS = {"valeur": "value", "hypothese": "assumed"}  # inside each figure


def _renamed(mapping, names):
    return {names.get(key, key): value for key, value in mapping.items()}


def rewrite(figures, figure_keys, field_keys):
    """The figures with renamed keys; not a dict (never written by the scanner) comes back unchanged."""
    if not isinstance(figures, dict):
        return figures
    return {
        figure_keys.get(name, name): _renamed(figure, field_keys) if isinstance(figure, dict) else figure
        for name, figure in figures.items()
    }


def _rewrite_all(apps, figure_keys, field_keys):
    Finding = apps.get_model("purchases", "Finding")
    changed = []
    for finding in Finding.objects.exclude(figures={}).only("pk", "figures").iterator(chunk_size=2000):
        figures = rewrite(finding.figures, figure_keys, field_keys)
        if figures != finding.figures:
            finding.figures = figures
            changed.append(finding)
        if len(changed) >= 2000:
            Finding.objects.bulk_update(changed, ["figures"])
            changed = []
    Finding.objects.bulk_update(changed, ["figures"])


def forwards(apps, schema_editor):
    _rewrite_all(apps, FIGURE_KEYS, FIELD_KEYS)


def backwards(apps, schema_editor):
    _rewrite_all(apps, {v: k for k, v in FIGURE_KEYS.items()}, {v: k for k, v in FIELD_KEYS.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("purchases", "0003_site"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
