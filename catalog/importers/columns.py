"""The columns of an inventory file: their names in English and Indonesian, and which are required."""

import re

from django.core.exceptions import NON_FIELD_ERRORS

from ..choices import (
    AppCategory,
    DevelopmentStatus,
    MaintenanceType,
    SmartCityDimension,
    SoftwareType,
    SpbeType,
)

# Column name -> App field. The first spelling of each is the English name; Indonesian ones follow.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "nama", "nama_aplikasi"),
    "slug": ("slug",),
    "owner_agency": ("owner_agency", "opd", "agency", "perangkat_daerah"),
    "category": ("category", "kategori"),
    "dimension": ("dimension", "dimensi"),
    "spbe_type": ("spbe_type", "jenis_spbe"),
    "status": ("status", "development_status"),
    "software_type": ("software_type", "jenis_perangkat_lunak"),
    "platforms": ("platforms", "platform"),
    "short_description": ("short_description", "deskripsi_singkat"),
    "short_description_en": ("short_description_en", "deskripsi_singkat_en"),
    "long_description": ("long_description", "deskripsi"),
    "long_description_en": ("long_description_en", "deskripsi_en"),
    "features": ("features", "fitur"),
    "features_en": ("features_en", "fitur_en"),
    "license": ("license", "licence", "lisensi"),
    "repository_url": ("repository_url", "repository", "repositori"),
    "website_url": ("website_url", "website", "situs"),
    "maintenance_type": ("maintenance_type", "maintenance", "pemeliharaan"),
    "launched_on": ("launched_on", "diluncurkan", "tanggal_diluncurkan"),
    "source": ("source", "sumber"),
}
REQUIRED_COLUMNS = (
    "name",
    "category",
    "dimension",
    "spbe_type",
    "short_description",
    "long_description",
    "license",
)
ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
# The Indonesian spelling shown next to the English one in reports.
_INDONESIAN_NAMES = {
    "nama",
    "opd",
    "kategori",
    "dimensi",
    "jenis_spbe",
    "jenis_perangkat_lunak",
    "deskripsi_singkat",
    "deskripsi_singkat_en",
    "deskripsi",
    "deskripsi_en",
    "fitur",
    "fitur_en",
    "lisensi",
    "repositori",
    "situs",
    "pemeliharaan",
    "diluncurkan",
    "sumber",
}

CHOICE_COLUMNS = {
    "category": AppCategory,
    "dimension": SmartCityDimension,
    "spbe_type": SpbeType,
    "status": DevelopmentStatus,
    "software_type": SoftwareType,
    "maintenance_type": MaintenanceType,
}
LIST_COLUMNS = ("features", "features_en", "platforms")
URL_COLUMNS = ("repository_url", "website_url")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def column_label(name: str) -> str:
    """A column as named in reports: English name and Indonesian one, e.g. "category (kategori)"."""
    if name == NON_FIELD_ERRORS:
        return ""
    aliases = COLUMNS.get(name, ())
    indonesian = next((alias for alias in aliases[1:] if alias in _INDONESIAN_NAMES), "")
    return f"{name} ({indonesian})" if indonesian else name


def normalize_header(header) -> str:
    """Column names are matched case-insensitively, spaces and hyphens read as underscores."""
    text = str(header if header is not None else "").replace("\ufeff", "").strip().casefold()
    return re.sub(r"[\s\-]+", "_", text)


def known_columns() -> str:
    return ", ".join(column_label(name) for name in COLUMNS)


def describe_columns() -> list[dict]:
    """The accepted columns, for help texts: field name, other accepted names, whether required."""
    return [
        {"name": name, "aliases": aliases[1:], "required": name in REQUIRED_COLUMNS}
        for name, aliases in COLUMNS.items()
    ]
