from django.db import migrations

# Typo correction no longer asks a trigram index of app names (catalog/search/typos.py): its word
# similarity rechecked thousands of names per misspelt word (150 ms at 100,000 apps), where the distinct
# words of the names, read once per catalog version, answer in milliseconds. The index only cost writes.
CREATE = "CREATE INDEX IF NOT EXISTS catalog_app_name_trgm ON catalog_app USING gin (name gin_trgm_ops)"
DROP = "DROP INDEX IF EXISTS catalog_app_name_trgm"


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0015_covering_indexes")]

    operations = [migrations.RunPython(drop_index, create_index, elidable=False)]
