"""Pemeriksaan NIK dengan lokal-id, dibatasi ke wilayah daerah ini."""
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from lokal import parse_nik
from lokal.wilayah import get_wilayah, wilayah_name


def nik_prefix(region_code):
    """Awalan NIK penduduk suatu wilayah: "33.25" -> "3325", "33" -> "33"."""
    return "".join(ch for ch in str(region_code) if ch.isdigit())


def parse_valid_nik(value, *, reference_date=None):
    """NikInfo dari lokal-id bila strukturnya sah (16 digit, kode wilayah, tanggal lahir nyata).

    ``reference_date`` menentukan abad tahun lahir (lihat lokal.parse_nik). Melempar ValidationError bila tidak sah.
    """
    info = parse_nik(str(value or ""), lookup_wilayah=wilayah_name, reference_date=reference_date)
    if not info.valid:
        raise ValidationError([issue.message for issue in info.errors], code="invalid_nik")
    if dt.date.fromisoformat(info.birth_date) > timezone.localdate():
        raise ValidationError("Tanggal lahir di NIK berada di masa depan.", code="nik_birth_future")
    return info


def parse_region_nik(value, *, reference_date=None):
    """Seperti parse_valid_nik, dan NIK harus dikeluarkan di wilayah daerah ini (settings.REGION_CODE)."""
    info = parse_valid_nik(value, reference_date=reference_date)
    if not info.nik.startswith(nik_prefix(settings.REGION_CODE)):
        origin = info.regency or info.province or f"kode wilayah {info.regency_code}"
        raise ValidationError(
            f"NIK ini berasal dari {origin}, di luar {settings.REGION_NAME}. "
            f"Santunan hanya untuk penduduk {settings.REGION_NAME}.",
            code="nik_outside_region",
        )
    return info


def birth_date_of(info):
    """Tanggal lahir (date) dari NikInfo yang sah."""
    return dt.date.fromisoformat(info.birth_date)


def district_name(district_code):
    """Nama kecamatan dari kode "33.25.01", atau "" bila kode tidak dikenal (mis. kode lama)."""
    wilayah = get_wilayah(district_code)
    return wilayah.name if wilayah else ""


def validate_nik_structure(value):
    """Validator field: NIK sah, dari wilayah mana pun (mis. NIK ahli waris)."""
    parse_valid_nik(value)


def validate_region_nik(value):
    """Validator field: NIK sah dan dikeluarkan di daerah ini (NIK almarhum/almarhumah)."""
    parse_region_nik(value)
