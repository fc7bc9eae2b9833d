"""Akun demo (admin staf dan operator desa) dan beberapa contoh usulan, untuk mencoba aplikasi secara lokal.

Dijalankan oleh ``DEMO=1 make run``, dan hanya bila DEBUG aktif: kata sandi akun demo diketahui umum, jadi
``manage.py check --deploy`` gagal (perencanaan.E001/E002) bila akun itu ada saat DEBUG mati.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from config import region
from perencanaan import services
from perencanaan.forms import allowed_villages
from perencanaan.models import Agency, Criterion, Proposal, ProposalEvent, Sector

SAMPLES = [
    ("Pengerasan jalan usaha tani", Sector.INFRASTRUKTUR, "800", "meter", 350_000_000, 420),
    ("Rehabilitasi saluran irigasi", Sector.INFRASTRUKTUR, "1,2", "kilometer", 275_000_000, 310),
    ("Pelatihan pemasaran daring UMKM", Sector.EKONOMI, "40", "orang", 60_000_000, 40),
    ("Penambahan alat posyandu", Sector.SOSIAL_BUDAYA, "3", "paket", 45_000_000, 650),
]


class Command(BaseCommand):
    help = "Membuat akun demo dan contoh usulan, hanya bila DEBUG aktif. Jangan dipakai di server sungguhan."

    @transaction.atomic
    def handle(self, *args, **options):
        try:
            accounts = services.demo_accounts_ensure()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(
            self.style.WARNING(
                "PERINGATAN: akun demo memakai kata sandi yang diketahui umum, hanya untuk mencoba di komputer "
                "sendiri. Jangan membuatnya di server sungguhan; hapus sebelum aplikasi dipakai. "
                "manage.py check --deploy gagal selama akun ini ada dan DEBUG mati."
            )
        )
        passwords = {username: password for username, password, _staff in services.DEMO_ACCOUNTS}
        users = {}
        for user, created in accounts:
            username = user.get_username()
            password = passwords[username]
            if created:
                role = " (staf, admin)" if user.is_staff else ""
                self.stdout.write(f"Akun demo dibuat: {username} / {password}{role}")
            else:
                self.stdout.write(f"Akun demo {username} sudah ada (kata sandi bawaan: {password}, tidak diubah).")
            users[username] = user
        self._samples(users["operator"], users[services.DEMO_ADMIN_USERNAME])

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
