from django.core.management.base import BaseCommand

from templates_repo.services import template_sync


class Command(BaseCommand):
    help = "Register the templates in templates_repo/cookiecutters/ and a new version of each changed one."

    def handle(self, *args, **options):
        for line in template_sync():
            self.stdout.write(self.style.SUCCESS(f"Template {line}"))
