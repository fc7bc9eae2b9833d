# Documents uploaded before names were generated keep the uploader's name (poly.html): give them one.

from django.db import migrations

from config.uploads import rename_stored_files


def rename_documents(apps, schema_editor):
    MoU = apps.get_model("registry", "MoU")
    # Only readable PDFs were ever accepted (validate_pdf_document).
    rename_stored_files(MoU.objects.all(), "document", lambda file: "pdf")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_history"),
    ]

    operations = [
        migrations.RunPython(rename_documents, migrations.RunPython.noop, elidable=True),
    ]
