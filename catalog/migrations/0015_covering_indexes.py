from django.db import migrations

# PostgreSQL only (SQLite has no INCLUDE): covering indexes for the catalog's long tail (issue 14,
# bench/catalog.py --long-tail at 100,000 apps).
#
# - A page of a filtered list reads its ids by walking the ordering's index and testing each entry's
#   filter columns in the index itself: no table row is read before the 50 that are shown
#   (category + province, page 1: 0.8 ms instead of 5.7, which read and dropped 3,200 rows).
# - The facet counts read all their columns from one index (an index-only scan of 5 MB instead of a scan
#   of 230 MB of rows), and its leading columns find a category, or a category in a province.
FILTERS = "category, owner_province_id, status, dimension, spbe_type, has_template, license, owner_region_id"
INDEXES = {
    "app_name_covering": f"(name, id) INCLUDE ({FILTERS})",
    "app_newest_covering": f"(created_at DESC, id DESC) INCLUDE ({FILTERS})",
    "app_most_adopted_covering": f"(adoption_count DESC, name, id) INCLUDE ({FILTERS})",
    "app_facets": f"({FILTERS})",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, columns in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON catalog_app {columns}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0014_app_category_province")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
