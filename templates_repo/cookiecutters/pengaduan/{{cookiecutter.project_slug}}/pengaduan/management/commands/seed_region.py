"""Isi data awal daerah: OPD dari konteks, kategori bawaan, dan (opsional) laporan contoh. Idempoten."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pengaduan import services


class Command(BaseCommand):
    help = "Isi OPD dan kategori bawaan daerah (aman dijalankan berulang)."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Tambahkan laporan contoh bila belum ada laporan.")

    def handle(self, *args, demo=False, **options):
        try:
            result = services.region_seed()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"OPD baru: {result['agencies']}, kategori baru: {result['categories']}.")
        if demo:
            count = services.demo_reports_seed()
            self.stdout.write(f"Laporan contoh baru: {count}.")
