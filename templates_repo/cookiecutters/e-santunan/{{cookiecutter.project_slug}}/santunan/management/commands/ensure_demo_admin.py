"""Buat (atau setel ulang) akun admin demo untuk uji coba lokal. Menolak berjalan bila DEBUG mati.

santunan/checks.py membuat manage.py check --deploy gagal bila akun ini masih ada saat DEBUG mati.
"""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "santunan-demo-123"


class Command(BaseCommand):
    help = "Pastikan ada akun admin demo (hanya untuk pengembangan, DEBUG=True)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Akun demo hanya untuk pengembangan (DJANGO_DEBUG=1). Untuk akun sungguhan pakai "
                "manage.py createsuperuser."
            )
        self.stderr.write(
            "PERINGATAN: akun admin demo memakai nama pengguna dan kata sandi yang tercantum di kode sumber. "
            "Jangan pernah membuatnya di salinan yang dipakai sungguhan; manage.py check --deploy gagal "
            "selama akun ini ada dengan DEBUG mati."
        )
        User = get_user_model()
        user, created = User.objects.get_or_create(username=DEMO_USERNAME)
        user.is_staff = True
        user.is_superuser = True
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        state = "dibuat" if created else "sudah ada, kata sandi disetel ulang"
        self.stdout.write(f"Akun admin demo {state}.")
        self.stdout.write(f"  Nama pengguna: {DEMO_USERNAME}")
        self.stdout.write(f"  Kata sandi   : {DEMO_PASSWORD}")
        self.stdout.write("  Masuk di /masuk/ (halaman petugas) atau /admin/.")
