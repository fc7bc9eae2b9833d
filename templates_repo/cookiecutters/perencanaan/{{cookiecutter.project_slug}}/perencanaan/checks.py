"""Pemeriksaan ``manage.py check --deploy``: salinan yang dipakai sungguhan tidak boleh membawa akun demo."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def demo_accounts_check(app_configs, **kwargs):
    """Akun demo (kata sandinya tertulis di README) tidak boleh ada saat DEBUG mati."""
    if settings.DEBUG:
        return []
    from .services import DEMO_ADMIN_USERNAME, demo_accounts_in_use

    try:
        usernames = demo_accounts_in_use()
    except DatabaseError:  # basis data belum dimigrasi: belum ada akun apa pun
        return []
    return [
        Error(
            f"Akun demo {username!r} dengan kata sandi bawaan masih ada, padahal DEBUG mati.",
            hint=(
                f"Hapus akun {username!r} (mis. lewat halaman admin) atau ganti kata sandinya: "
                f"python manage.py changepassword {username}"
            ),
            id="perencanaan.E001" if username == DEMO_ADMIN_USERNAME else "perencanaan.E002",
        )
        for username in usernames
    ]
