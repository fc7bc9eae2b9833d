"""The limits of an inventory import, read from settings when an import starts (never at import time)."""

from dataclasses import dataclass

from django.conf import settings

from .columns import COLUMNS

MAX_COLUMNS = 200


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # the uploaded file, CSV or XLSX
    max_rows: int  # rows of apps (blank rows not counted)
    max_unpacked_bytes: int  # all members of an XLSX archive, uncompressed
    max_compression_ratio: int  # of any XLSX member of 1 MB or more
    max_zip_members: int
    background_rows: int  # above this many rows (or background_bytes), import in a Celery task
    background_bytes: int

    @property
    def max_physical_rows(self) -> int:
        # Blank rows are skipped, but a sheet padded with hundreds of thousands of them is refused.
        return 5 * self.max_rows

    @property
    def max_cells(self) -> int:
        return self.max_physical_rows * len(COLUMNS)

    @property
    def max_shared_strings(self) -> int:
        # Distinct texts of a workbook: no more than one per cell an inventory can hold (plus the header).
        return (self.max_rows + 1) * len(COLUMNS)


def import_limits() -> Limits:
    return Limits(
        max_bytes=settings.LUMBUNG_IMPORT_MAX_BYTES,
        max_rows=settings.LUMBUNG_IMPORT_MAX_ROWS,
        max_unpacked_bytes=settings.LUMBUNG_IMPORT_MAX_UNPACKED_BYTES,
        max_compression_ratio=settings.LUMBUNG_IMPORT_MAX_COMPRESSION_RATIO,
        max_zip_members=settings.LUMBUNG_IMPORT_MAX_ZIP_MEMBERS,
        background_rows=settings.LUMBUNG_IMPORT_BACKGROUND_ROWS,
        background_bytes=settings.LUMBUNG_IMPORT_BACKGROUND_BYTES,
    )
