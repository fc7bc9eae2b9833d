"""Akun demo (admin staf dan operator desa) dan beberapa contoh usulan, untuk mencoba aplikasi secara lokal."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from config import region
from perencanaan import services
from perencanaan.forms import allowed_villages
from perencanaan.models import Agency, Criterion, Proposal, ProposalEvent, Sector

DEMO_ACCOUNTS = [
    # (nama pengguna, kata sandi, staf?)
    ("admin", "admin-demo-123", True),
    ("operator", "operator-demo-123", False),
]

SAMPLES = [
    ("Pengerasan jalan usaha tani", Sector.INFRASTRUKTUR, "800", "meter", 350_000_000, 420),
    ("Rehabilitasi saluran irigasi", Sector.INFRASTRUKTUR, "1,2", "kilometer", 275_000_000, 310),
    ("Pelatihan pemasaran daring UMKM", Sector.EKONOMI, "40", "orang", 60_000_000, 40),
    ("Penambahan alat posyandu", Sector.SOSIAL_BUDAYA, "3", "paket", 45_000_000, 650),
]


class Command(BaseCommand):
    help = "Membuat akun demo dan contoh usulan (hanya bila DEBUG aktif, kecuali dengan --force)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Jalankan walau DEBUG tidak aktif.")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Akun demo hanya dibuat saat DEBUG aktif (atau pakai --force).")
        users = {}
        for username, password, staff in DEMO_ACCOUNTS:
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"is_staff": staff, "is_superuser": staff}
            )
            if created:
                user.set_password(password)
                user.save()
                self.stdout.write(f"Akun demo dibuat: {username} / {password}" + (" (staf, admin)" if staff else ""))
            else:
                self.stdout.write(f"Akun demo {username} sudah ada (kata sandi bawaan: {password}, tidak diubah).")
            users[username] = user
        self._samples(users["operator"], users["admin"])

    def _samples(self, operator, admin):
        villages = list(allowed_villages()[:4])
        if Proposal.objects.exists() or not villages:
            return
        for i, (title, sector, volume, unit, cost, beneficiaries) in enumerate(SAMPLES):
            village = villages[i % len(villages)]
            proposal = services.proposal_create(
                proposer=operator,
                data={
                    "title": title,
                    "description": f"Contoh usulan dari {village} untuk tahun {region.FISCAL_YEAR}.",
                    "sector": sector,
                    "village": village,
                    "volume": Decimal(volume.replace(",", ".")),
                    "unit": unit,
                    "cost_estimate": cost,
                    "beneficiaries": beneficiaries,
                },
            )
            if i == len(SAMPLES) - 1:
                continue  # yang terakhir dibiarkan sebagai draf
            services.proposal_submit(proposal=proposal, user=operator)
            values = {c: 5 - ((i + j) % 3) for j, c in enumerate(Criterion.objects.all())}
            services.proposal_score(proposal=proposal, user=admin, values=values)
            if i == 0:
                agency = Agency.objects.first()
                if agency:
                    services.proposal_assign_agency(proposal=proposal, user=admin, agency=agency)
                for _ in region.ROUNDS[:-1]:
                    services.proposal_decide(proposal=proposal, user=admin, action=ProposalEvent.Action.APPROVE)
        self.stdout.write(f"{len(SAMPLES)} contoh usulan dibuat.")
