"""Format tampilan: Rupiah, bulan, dan penyamaran nomor."""
from lokal import format_rupiah

MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)


def rupiah(amount):
    """1000000 -> "Rp 1.000.000"."""
    return "Rp " + format_rupiah(int(amount), symbol=False)


def month_label(year, month):
    """(2025, 1) -> "Januari 2025"."""
    return f"{MONTHS_ID[month - 1]} {year}"


def mask_digits(value, visible=4):
    """"1234567890" -> "******7890": hanya beberapa digit terakhir yang terlihat."""
    value = str(value or "")
    if len(value) <= visible:
        return value
    return "*" * (len(value) - visible) + value[-visible:]
