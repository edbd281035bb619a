"""The directory's version becomes one named `core.DataVersion` (`siaes_directory`), kept by the same
triggers as every other version (`dentelle.core.versions`): one mechanism instead of two."""

from importlib import import_module

from django.db import migrations

from dentelle.core.versions import create_version_triggers, drop_version_triggers

NAME = "siaes_directory"  # dentelle.matching.index.DIRECTORY_VERSION
# The tables the matching index reads (dentelle.matching.index.structure_records).
TABLES = ("siaes_siae", "siaes_competence", "siaes_servicearea", "siaes_capacity", "siaes_woncontract")
# The triggers of migration 0004, dropped forward and recreated backward.
OLD = import_module("dentelle.siaes.migrations.0004_directory_version")


def forward(apps, schema_editor):
    OLD.drop_triggers(apps, schema_editor)
    create_version_triggers(schema_editor, NAME, TABLES)


def backward(apps, schema_editor):
    drop_version_triggers(schema_editor, NAME, TABLES)
    OLD.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_dataversion"),
        ("siaes", "0005_search_text_ligatures"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="DirectoryVersion"),
    ]
