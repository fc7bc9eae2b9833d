from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.importers import apps_import_file
from registry.models import Region


class Command(BaseCommand):
    help = (
        "Import a region's app inventory from a CSV or XLSX FILE: every row is checked first and nothing "
        "is saved when any row is invalid. Rows matching an app of the region update it. The limits are "
        "the LUMBUNG_IMPORT_* settings (rows, bytes, unpacked XLSX size)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv (UTF-8, comma or semicolon) or .xlsx file.")
        parser.add_argument(
            "--region", required=True, help='Kemendagri code of the owner region, e.g. "33.25"'
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; save nothing.")

    def handle(self, *args, file, region, dry_run, **options):
        owner = Region.objects.filter(code=region).first()
        if owner is None:
            raise CommandError(f"Unknown region code {region!r}. Run load_regions first?")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        with path.open("rb") as handle:
            report = apps_import_file(region=owner, file=handle, filename=path.name, dry_run=dry_run)
        lines = report.text_lines()
        if not report.ok:
            raise CommandError("\n".join(lines))
        for line in lines:
            self.stdout.write(self.style.SUCCESS(line))
