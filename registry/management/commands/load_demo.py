from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from registry.models import Region


class Command(BaseCommand):
    help = "Load the demo data of every app that has a demo module, from shared/seeds/ (idempotent)."

    def handle(self, *args, **options):
        if not Region.objects.exists():
            raise CommandError("No regions yet: run load_regions first.")
        # INSTALLED_APPS order follows the dependency order registry <- catalog <- templates_repo.
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            done = import_module(module_name).load()
            self.stdout.write(self.style.SUCCESS(f"Demo {config.label}: {', '.join(done)}."))
