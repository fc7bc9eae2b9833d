"""Buat akun admin demo untuk mencoba aplikasi di komputer sendiri (dipakai ``DEMO=1 make run``).

Hanya dalam mode DEBUG; ``manage.py check --deploy`` gagal (pengaduan.E004) bila akun ini ada di server.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pengaduan import services

DEMO_USERNAME = services.DEMO_ADMIN_USERNAME
DEMO_PASSWORD = services.DEMO_ADMIN_PASSWORD


class Command(BaseCommand):
    help = "Pastikan akun admin demo ada dan cetak kredensialnya (hanya DEBUG). Jangan dipakai di server produksi."

    def handle(self, *args, **options):
        try:
            created = services.demo_admin_ensure(username=DEMO_USERNAME, password=DEMO_PASSWORD)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(
            self.style.WARNING(
                "PERINGATAN: akun admin demo berkata sandi yang diketahui umum, hanya untuk mencoba di komputer "
                "sendiri. Jangan pernah membuatnya di server sungguhan; hapus sebelum aplikasi dipakai warga."
            )
        )
        state = "dibuat" if created else "sudah ada (kata sandi tidak diubah)"
        self.stdout.write(f"Akun admin demo {state}: pengguna '{DEMO_USERNAME}', kata sandi '{DEMO_PASSWORD}'.")
