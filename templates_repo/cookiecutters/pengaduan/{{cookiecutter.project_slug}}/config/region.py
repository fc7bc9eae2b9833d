"""Nilai khas daerah untuk aplikasi pengaduan ini.

Ini satu-satunya modul Python yang diisi oleh cookiecutter saat aplikasi dibuat untuk sebuah daerah.
``config/settings.py`` mengimpor nilai dari sini, lalu halaman membacanya lewat context processor
``pengaduan.context_processors.region``. Untuk mengubah konfigurasi setelah aplikasi dibuat, ubah berkas ini.
"""

import re

PROJECT_NAME = {{ cookiecutter.project_name|tojson }}
PROJECT_SLUG = {{ cookiecutter.project_slug|tojson }}
REGION_NAME = {{ cookiecutter.region_name|tojson }}
REGION_CODE = {{ cookiecutter.region_code|tojson }}
PROVINCE_NAME = {{ cookiecutter.province_name|tojson }}
MENTOR_REGION_NAME = {{ cookiecutter.mentor_region_name|tojson }}
AGENCIES_RAW = {{ cookiecutter.agencies|tojson }}

# Batas waktu penanganan (SLA) dalam jam, dihitung sejak laporan diterima.
SLA_HOURS = {{ cookiecutter.sla_hours|int }}
# Pejabat yang menerima eskalasi laporan yang melewati SLA.
ESCALATION_OFFICER = {{ cookiecutter.escalation_officer|tojson }}
# Boleh melapor tanpa nama dan nomor kontak?
ALLOW_ANONYMOUS_REPORTS = {{ 'True' if (cookiecutter.allow_anonymous_reports|string|lower) in ['true', 'yes', 'y', '1', 'on'] else 'False' }}
# Ukuran maksimum foto lampiran, dalam megabyte.
PHOTO_MAX_MB = {{ cookiecutter.photo_max_mb|int }}

_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")

# Kode provinsi (dua digit pertama kode wilayah) menurut zona waktu; selain ini WIB.
_WITA_PROVINCES = frozenset(["51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"])
_WIT_PROVINCES = frozenset(["81", "82", "91", "92", "93", "94", "95", "96"])


def safe_color(value, fallback):
    """Kembalikan warna ``#rrggbb`` (huruf kecil); nilai yang tidak sah diganti ``fallback``."""
    value = str(value).strip()
    return value.lower() if _HEX_COLOR.match(value) else fallback


def parse_agencies(raw):
    """Pisahkan daftar OPD bertitik koma: spasi dibuang, entri kosong dan ganda dilewati."""
    agencies = []
    for part in str(raw).split(";"):
        name = " ".join(part.split())
        if name and name not in agencies:
            agencies.append(name)
    return agencies


def time_zone_for(region_code):
    """Zona waktu IANA dan singkatannya (WIB/WITA/WIT) menurut kode provinsi."""
    province = str(region_code).strip()[:2]
    if province in _WITA_PROVINCES:
        return "Asia/Makassar", "WITA"
    if province in _WIT_PROVINCES:
        return "Asia/Jayapura", "WIT"
    return "Asia/Jakarta", "WIB"


PRIMARY_COLOR = safe_color({{ cookiecutter.primary_color|tojson }}, "#1f4e79")
ACCENT_COLOR = safe_color({{ cookiecutter.accent_color|tojson }}, "#e8a317")
AGENCIES = parse_agencies(AGENCIES_RAW)
TIME_ZONE, TIME_ZONE_LABEL = time_zone_for(REGION_CODE)
