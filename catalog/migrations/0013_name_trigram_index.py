from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# Typo tolerance on PostgreSQL (catalog/search/typos.py): the words of app names near a misspelt word come
# from pg_trgm's word similarity (`name %> 'pengadoan'`) on this GIN trigram index. SQLite has neither and
# compares the words of names in Python instead. pg_trgm is a trusted extension (PostgreSQL 13+): a
# database owner may create it on a hosted server too.
CREATE = "CREATE INDEX IF NOT EXISTS catalog_app_name_trgm ON catalog_app USING gin (name gin_trgm_ops)"
DROP = "DROP INDEX IF EXISTS catalog_app_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0012_service_figure_entered_by")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
