"""Nilai khusus daerah untuk proyek ini.

Berkas ini diisi oleh templat Lumbung saat proyek dibuat untuk sebuah daerah. Semua nilai yang berbeda
antar-daerah ada di sini saja: settings, context processor, perintah pengisian data, dan tes membacanya
dari modul ini (``from config import region``), sehingga mengganti daerah cukup dengan mengubah berkas ini.
"""

import re

PROJECT_NAME = {{ cookiecutter.project_name|tojson }}
REGION_NAME = {{ cookiecutter.region_name|tojson }}
#: Kode wilayah Kemendagri bertitik, mis. "33.25" (kabupaten/kota) atau "33" (provinsi).
REGION_CODE = {{ cookiecutter.region_code|tojson }}
PROVINCE_NAME = {{ cookiecutter.province_name|tojson }}
#: Daerah yang membangun aplikasi aslinya (disebut di README dan di kaki halaman).
MENTOR_REGION_NAME = {{ cookiecutter.mentor_region_name|tojson }}

_PRIMARY_COLOR = {{ cookiecutter.primary_color|tojson }}
_ACCENT_COLOR = {{ cookiecutter.accent_color|tojson }}

#: Daftar OPD dalam satu teks, dipisah titik koma.
AGENCIES_TEXT = {{ cookiecutter.agencies|tojson }}

#: Tahun anggaran yang sedang direncanakan.
FISCAL_YEAR = {{ cookiecutter.fiscal_year|int }}
#: Pagu indikatif awal tiap OPD untuk FISCAL_YEAR, dalam Rupiah.
DEFAULT_CEILING = {{ cookiecutter.default_ceiling|int }}
#: Pilihan tahapan musrenbang.
ROUNDS_OPTION = {{ cookiecutter.rounds|tojson }}
#: Apakah kelurahan (bukan hanya desa) boleh mengajukan usulan.
ALLOW_KELURAHAN = {{ 'True' if cookiecutter.allow_kelurahan in [True, 'True', 'true', 'yes', 'y', '1', 1] else 'False' }}

_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_ROUND_OPTIONS = {
    "desa-kecamatan-kabupaten": ("desa", "kecamatan", "kabupaten"),
    "kecamatan-kabupaten": ("kecamatan", "kabupaten"),
}


def safe_color(value, fallback):
    """Warna "#rrggbb" yang aman dipakai di CSS; nilai lain diganti ``fallback``."""
    return value if isinstance(value, str) and _HEX_COLOR.fullmatch(value) else fallback


def parse_agencies(text):
    """Memecah teks OPD "A; B;;C" menjadi ["A", "B", "C"] (dipangkas, tanpa yang kosong atau ganda)."""
    names = []
    for part in str(text).split(";"):
        name = " ".join(part.split())
        if name and name not in names:
            names.append(name)
    return names


def parse_rounds(option):
    """Mengubah pilihan tahapan ("desa-kecamatan-kabupaten") menjadi tuple tingkat musrenbang."""
    try:
        return _ROUND_OPTIONS[option]
    except KeyError:
        raise ValueError(
            f"Pilihan tahapan musrenbang tidak dikenal: {option!r}; pilih salah satu dari {sorted(_ROUND_OPTIONS)}"
        ) from None


PRIMARY_COLOR = safe_color(_PRIMARY_COLOR, "#1d4e89")
ACCENT_COLOR = safe_color(_ACCENT_COLOR, "#f2a900")
AGENCIES = parse_agencies(AGENCIES_TEXT)
#: Tingkat musrenbang yang dipakai, berurutan; yang terakhir adalah tingkat penetapan.
ROUNDS = parse_rounds(ROUNDS_OPTION)
#: "Kota" atau "Kabupaten", untuk label "Musrenbang Kota"/"Musrenbang Kabupaten".
REGION_KIND = "Kota" if REGION_NAME.strip().lower().startswith("kota") else "Kabupaten"
