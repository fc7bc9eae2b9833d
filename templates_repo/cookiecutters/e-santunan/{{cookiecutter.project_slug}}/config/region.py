"""Nilai khusus daerah, diisi sekali oleh Lumbung saat proyek ini dibuat dari template.

Hanya berkas ini yang berisi nilai dari template. Pengaturan (config/settings.py) dan context processor
membaca dari sini; ubah di sini bila data daerah berubah.
"""
import re

PROJECT_NAME = {{ cookiecutter.project_name|tojson }}
PROJECT_SLUG = {{ cookiecutter.project_slug|tojson }}
REGION_NAME = {{ cookiecutter.region_name|tojson }}
#: Kode Kemendagri bertitik: "33.25" (kabupaten/kota) atau "33" (provinsi).
REGION_CODE = {{ cookiecutter.region_code|tojson }}
PROVINCE_NAME = {{ cookiecutter.province_name|tojson }}
#: Daerah yang membuat aplikasi aslinya (disebut di README dan kaki halaman).
MENTOR_REGION_NAME = {{ cookiecutter.mentor_region_name|tojson }}

_PRIMARY_COLOR = {{ cookiecutter.primary_color|tojson }}
_ACCENT_COLOR = {{ cookiecutter.accent_color|tojson }}

#: Perangkat daerah, dipisah titik koma.
AGENCIES_RAW = {{ cookiecutter.agencies|tojson }}

#: Besar santunan kematian dalam Rupiah.
BENEFIT_AMOUNT = {{ cookiecutter.benefit_amount|int }}
#: Apakah ahli waris wajib mengunggah akta kematian.
REQUIRE_DEATH_CERTIFICATE = {{ 'True' if cookiecutter.require_death_certificate in [True, 'True', 'true', 'yes', 'y', '1', 1] else 'False' }}
#: Perangkat daerah yang membayar santunan.
PAYING_AGENCY = {{ cookiecutter.paying_agency|tojson }}
#: Ukuran maksimal akta kematian yang diunggah, dalam MB.
MAX_UPLOAD_MB = {{ cookiecutter.max_upload_mb|int }}

_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def safe_color(value, fallback):
    """Warna "#rrggbb" bila sah, selain itu warna cadangan (nilai ini masuk ke CSS)."""
    value = str(value).strip()
    return value.lower() if _HEX_COLOR.fullmatch(value) else fallback


def parse_agencies(raw):
    """Pecah "A; B;;A" menjadi ("A", "B"): dipisah titik koma, spasi dibuang, kosong dan ganda dilewati."""
    names = []
    for part in str(raw).split(";"):
        name = " ".join(part.split())
        if name and name not in names:
            names.append(name)
    return tuple(names)


PRIMARY_COLOR = safe_color(_PRIMARY_COLOR, "#2f5d50")
ACCENT_COLOR = safe_color(_ACCENT_COLOR, "#c9a227")
AGENCIES = parse_agencies(AGENCIES_RAW)
