from django.core.management.base import BaseCommand, CommandError

from templates_repo.services import TemplateSyncError, template_sync


class Command(BaseCommand):
    help = (
        "Register the templates in templates_repo/cookiecutters/: their published versions "
        "(templates_repo/releases/) and a new version of each changed folder, with its CHANGELOG.md section."
    )

    def handle(self, *args, **options):
        try:
            lines = template_sync()
        except TemplateSyncError as exc:
            raise CommandError(str(exc)) from exc
        for line in lines:
            self.stdout.write(self.style.SUCCESS(f"Template {line}"))
