"""Buat akun admin demo untuk mencoba aplikasi secara lokal (dipakai ``make run``)."""

from django.core.management.base import BaseCommand

from pengaduan import services

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "admin-demo-2025"


class Command(BaseCommand):
    help = "Pastikan akun admin demo ada dan cetak kredensialnya. Jangan dipakai di server produksi."

    def handle(self, *args, **options):
        created = services.demo_admin_ensure(username=DEMO_USERNAME, password=DEMO_PASSWORD)
        state = "dibuat" if created else "sudah ada (kata sandi tidak diubah)"
        self.stdout.write(f"Akun admin demo {state}: pengguna '{DEMO_USERNAME}', kata sandi '{DEMO_PASSWORD}'.")
