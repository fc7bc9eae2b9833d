from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from registry.choices import MemberRole
from registry.models import Region
from registry.services import membership_set


class Command(BaseCommand):
    help = "Let USERNAME act for the region REGION_CODE with a role; creates the user when missing."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("region_code", help='Kemendagri code, e.g. "33.25"')
        parser.add_argument("--role", choices=MemberRole.values, default=MemberRole.VIEWER)
        parser.add_argument("--password", help="Set (or reset) the user's password.")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, region_code, role, password, email, **options):
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise CommandError(f"Unknown region code {region_code!r}. Run load_regions first?")
        try:
            membership, created = membership_set(
                username=username, region=region, role=role, password=password, email=email
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        verb = "Created user" if created else "Updated user"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {username}: {membership.get_role_display()} of {region.name}.")
        )
