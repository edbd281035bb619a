from django.db import migrations

from dentelle.core.versions import create_version_triggers, drop_version_triggers

NAME = "insertion_progress"  # dentelle.insertion.dashboard.PROGRESS_VERSION
# Every table the dashboard's figures and labels read (dentelle.insertion.dashboard).
TABLES = (
    "insertion_annualobjective",
    "insertion_realisedmonth",
    "insertion_contract",
    "purchases_finding",
    "purchases_lot",
    "purchases_operation",
    "accounts_buyerservice",
    "referentials_department",
)


def create(apps, schema_editor):
    create_version_triggers(schema_editor, NAME, TABLES)


def drop(apps, schema_editor):
    drop_version_triggers(schema_editor, NAME, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_dataversion"),
        ("insertion", "0003_hoursdeclaration_unique_current_declaration"),
        ("purchases", "0003_site"),
        ("accounts", "0001_initial"),
        ("referentials", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
