from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from templates_repo.demo_copies import demo_copies_ensure


class Command(BaseCommand):
    help = "Make the demo's copy of a template (Batang's complaint app at version 1), by the demo developer."

    def add_arguments(self, parser):
        parser.add_argument("--requester", default="batang-dev", help="The demo user who asks for the copy.")

    def handle(self, *args, requester, **options):
        if not settings.DEBUG:
            raise CommandError("Demo copies are demo data: refusing with DEBUG off.")
        for line in demo_copies_ensure(requester_username=requester):
            self.stdout.write(self.style.SUCCESS(f"Demo copy: {line}"))
