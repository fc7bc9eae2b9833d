from django.db import migrations

# GIN indexes exist only on PostgreSQL; on SQLite the catalog searches `search_document` instead.
CREATE = "CREATE INDEX IF NOT EXISTS catalog_app_search_vector_gin ON catalog_app USING gin (search_vector)"
DROP = "DROP INDEX IF EXISTS catalog_app_search_vector_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
