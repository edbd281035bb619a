"""Demo step: the Region's own working values for the trades no public guide quantifies, tagged « à confirmer ».

Run before the demo plan's scan, so its findings use them and say whose values they are.
"""

from datetime import date

from django.db import transaction

from dentelle.accounts.demo import demo_organisation
from dentelle.accounts.models import User
from dentelle.rules.models import RuleOverride

# (family, parameter, value, why): working values, not sourced figures; each is shown « à confirmer ».
REGION_VALUES = [
    (
        "vocational_training",
        "labour_share",
        "0.60",
        "Formation : la masse salariale des formateurs et des fonctions support domine le prix",
    ),
    (
        "vocational_training",
        "loaded_hourly_cost",
        "45",
        "Formation : coût chargé moyen d'une heure de formateur ou de fonction support",
    ),
    (
        "site_clearing",
        "labour_share",
        "0.60",
        "Curage et dégagement : travail manuel, peu de matériaux fournis",
    ),
    (
        "site_clearing",
        "loaded_hourly_cost",
        "30",
        "Curage et dégagement : coût chargé d'un ouvrier du bâtiment",
    ),
    ("waste_collection", "labour_share", "0.50", "Collecte : équipages et véhicules à parts voisines"),
    (
        "waste_collection",
        "loaded_hourly_cost",
        "30",
        "Collecte : coût chargé d'un ripeur ou d'un agent de tri",
    ),
    ("removals", "labour_share", "0.60", "Déménagement : prestation de manutention, peu de fournitures"),
    ("removals", "loaded_hourly_cost", "30", "Déménagement : coût chargé d'un manutentionnaire"),
    (
        "building_maintenance",
        "labour_share",
        "0.50",
        "Maintenance : moitié main-d'œuvre, moitié pièces et sous-traitance technique",
    ),
    (
        "catering",
        "loaded_hourly_cost",
        "28",
        "Restauration : coût chargé d'un agent de restauration collective",
    ),
    ("building_maintenance", "loaded_hourly_cost", "35", "Maintenance : coût chargé d'un technicien"),
]
SOURCE = "Valeur de travail de la Région Île-de-France (démonstration) — aucune source publiée ; à confirmer avec les facilitateurs"


def load_demo_overrides(stdout):
    organisation = demo_organisation()
    officer = User.objects.filter(username="acheteuse-responsable").first()
    created = 0
    with transaction.atomic():
        for family, name, value, why in REGION_VALUES:
            _, was_created = RuleOverride.objects.get_or_create(
                organisation=organisation,
                parameter_path=f"family.{family}.{name}",
                defaults={
                    "value": value,
                    "why": why,
                    "source": SOURCE,
                    "who": officer,
                    "date": date(2026, 11, 1),
                    "to_confirm": True,
                },
            )
            created += was_created
    stdout.write(
        f"  Paramètres de la Région : {created} valeur(s) de travail « à confirmer » ({len(REGION_VALUES)} au total)."
    )
