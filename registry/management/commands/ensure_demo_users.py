from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.choices import MemberRole
from registry.models import Region
from registry.services import membership_set

DEMO_ADMIN = ("admin", "lumbung-admin")
DEMO_DEVELOPER = ("batang-dev", "lumbung-batang")
BATANG = "33.25"


class Command(BaseCommand):
    help = (
        "Ensure the demo admin and the demo developer of Kabupaten Batang exist, and print their credentials."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Also when DEBUG is off (never in production)."
        )

    @transaction.atomic
    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo users have known passwords: refusing with DEBUG off (use --force to insist)."
            )
        batang = Region.objects.filter(code=BATANG).first()
        if batang is None:
            raise CommandError("Kabupaten Batang (33.25) is missing: run load_regions first.")
        username, password = DEMO_ADMIN
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": "admin@lumbung.local"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        dev_name, dev_password = DEMO_DEVELOPER
        membership_set(
            username=dev_name,
            region=batang,
            role=MemberRole.DEVELOPER,
            password=dev_password,
            email="batang-dev@lumbung.local",
        )
        self.stdout.write(self.style.SUCCESS("Demo accounts (development only):"))
        self.stdout.write(f"  admin (staff, national registry admin): {username} / {password}")
        self.stdout.write(f"  developer of Kabupaten Batang (33.25):   {dev_name} / {dev_password}")
