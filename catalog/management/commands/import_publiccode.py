from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalog.publiccode import PUBLICCODE_MAX_BYTES
from catalog.services import app_import_publiccode
from registry.models import Region


class Command(BaseCommand):
    help = (
        "Create or update an app of region CODE from a publiccode.yml FILE (the region's app with the same "
        "x-lumbung slug or repository URL is updated). Nothing is saved when the file has errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the publiccode.yml file.")
        parser.add_argument(
            "--region", required=True, help='Kemendagri code of the owner region, e.g. "33.74".'
        )

    def handle(self, *args, file, region, **options):
        owner = Region.objects.filter(code=region).first()
        if owner is None:
            raise CommandError(f"Unknown region code {region!r}. Run load_regions first?")
        path = Path(file)
        try:
            with path.open("rb") as handle:
                # One byte over the limit is enough for the parser to refuse it.
                data = handle.read(PUBLICCODE_MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc

        notes: list[str] = []
        try:
            app, created = app_import_publiccode(text=data, region=owner, notes=notes)
        except ValidationError as exc:
            lines = [f"{file} was not imported; nothing was saved:"]
            for key, messages in sorted(exc.message_dict.items()):
                where = "document" if key == NON_FIELD_ERRORS else key
                lines += [f"  {where}: {message}" for message in messages]
            raise CommandError("\n".join(lines)) from exc

        verb = "Created" if created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} app {app.name} ({app.slug}) of {owner.name} ({owner.code}).")
        )
        for note in notes:
            self.stdout.write(f"  Note: {note}")
