from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.choices import MemberRole
from registry.models import Region
from registry.services import membership_set

DEMO_ADMIN = ("admin", "lumbung-admin")
# The members of regions, one per role the demo replications need: (username, password, region, role,
# who they are, as printed).
DEMO_MEMBERS = (
    ("batang-dev", "lumbung-batang", "33.25", MemberRole.DEVELOPER, "developer of Kabupaten Batang (33.25)"),
    ("batang-editor", "lumbung-batang", "33.25", MemberRole.EDITOR, "editor of Kabupaten Batang (33.25)"),
    ("semarang-editor", "lumbung-semarang", "33.74", MemberRole.EDITOR, "editor of Kota Semarang (33.74)"),
)


class Command(BaseCommand):
    help = (
        "Ensure the demo admin and the demo members of Kabupaten Batang and Kota Semarang exist, and print "
        "their credentials."
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
        regions = Region.objects.in_bulk({member[2] for member in DEMO_MEMBERS})
        if len(regions) < len({member[2] for member in DEMO_MEMBERS}):
            raise CommandError("Regions are missing: run load_regions first.")
        username, password = DEMO_ADMIN
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": "admin@lumbung.local"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        for member_name, member_password, code, role, _who in DEMO_MEMBERS:
            membership_set(
                username=member_name,
                region=regions[code],
                role=role,
                password=member_password,
                email=f"{member_name}@lumbung.local",
            )
        self.stdout.write(self.style.SUCCESS("Demo accounts (development only):"))
        self.stdout.write(f"  admin (staff, national registry admin): {username} / {password}")
        for member_name, member_password, _code, _role, who in DEMO_MEMBERS:
            self.stdout.write(f"  {who + ':':39} {member_name} / {member_password}")
