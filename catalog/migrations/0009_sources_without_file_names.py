"""Demo sources without the seed file's name (see registry's migration 0005)."""

import importlib

from django.db import migrations

registry_migration = importlib.import_module("registry.migrations.0005_sources_without_file_names")


def forwards(apps, schema_editor):
    registry_migration.strip_seed_references(
        apps, schema_editor, [("catalog", "App"), ("catalog", "ServiceFigure"), ("catalog", "Adoption")]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_rename_stored_screenshots"),
        ("registry", "0005_sources_without_file_names"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
