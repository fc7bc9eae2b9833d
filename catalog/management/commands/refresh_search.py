from django.core.management.base import BaseCommand

from catalog import services


class Command(BaseCommand):
    help = (
        "Recompute every app's search text and, on PostgreSQL, its tsvector (after a change of what an app "
        "is found by, e.g. a deployment that adds to the search document)."
    )

    def handle(self, *args, **options):
        services.app_refresh_search()
        services.catalog_changed()
        self.stdout.write("search documents refreshed")
