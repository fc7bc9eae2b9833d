"""Demo sources named the story's file in the project's seed folder ("[seeds/003_....txt]"), which is internal
and was shown on public pages: a source names its publisher and title only."""

import re

from django.db import migrations

SEED_REFERENCE = re.compile(r"\s*\[seeds/[^\]]*\]")


def strip_seed_references(apps, schema_editor, models):
    for app_label, model_name in models:
        model = apps.get_model(app_label, model_name)
        for row in model.objects.filter(source__contains="[seeds/").only("pk", "source"):
            model.objects.filter(pk=row.pk).update(source=SEED_REFERENCE.sub("", row.source))


def forwards(apps, schema_editor):
    strip_seed_references(
        apps, schema_editor, [("registry", "Agency"), ("registry", "MoU"), ("registry", "StudyVisit")]
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_rename_stored_documents")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
