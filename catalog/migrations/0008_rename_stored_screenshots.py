# Screenshots uploaded before names were generated keep the uploader's name: give them one, with the
# extension of the format found by decoding the image.

from django.db import migrations

from config.uploads import image_type, rename_stored_files


def rename_screenshots(apps, schema_editor):
    Screenshot = apps.get_model("catalog", "Screenshot")
    rename_stored_files(Screenshot.objects.all(), "image", lambda file: image_type(file)[0])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_importjob_queued_at"),
    ]

    operations = [
        migrations.RunPython(rename_screenshots, migrations.RunPython.noop, elidable=True),
    ]
