"""Angka layanan bulanan yang dilaporkan salinan ini ke Lumbung (``python manage.py report_to_lumbung``).

Hanya angka agregat dari basis data salinan ini: jumlah, median, dan total Rupiah. Tidak pernah nama, NIK, nomor
rekening, alamat, atau isi klaim. Kuncinya sama dengan ``figures`` yang dideklarasikan templat di Lumbung:

- ``claims_filed``: klaim yang diajukan ahli waris (``submitted_at``) dalam bulan itu, apa pun statusnya sekarang.
  Klaim yang dikembalikan untuk perbaikan lalu diperbaiki tetap satu klaim, dihitung di bulan pengajuannya.
- ``claims_paid``: klaim berstatus Dibayar yang dibayarkan (``paid_at``) dalam bulan itu, kapan pun diajukannya.
- ``claims_rejected``: klaim yang ditolak dalam bulan itu (waktu penolakan dari riwayat status).
- ``median_days_to_payment``: median lama (hari) dari pengajuan sampai pembayaran, atas klaim ``claims_paid``;
  kosong (null) bila tidak ada klaim yang dibayar.
- ``amount_paid``: jumlah Rupiah santunan klaim ``claims_paid`` (sama dengan laporan pembayaran bulanan petugas).

Bulan adalah bulan kalender menurut zona waktu proyek (``TIME_ZONE``): dari tanggal 1 pukul 00.00 sampai sebelum
tanggal 1 bulan berikutnya. Median dibulatkan satu angka di belakang koma.
"""
import datetime as dt
import statistics

from django.db.models import Sum
from django.utils import timezone

from .models import Claim, ClaimStatusChange

Status = Claim.Status
SECONDS_PER_DAY = 24 * 60 * 60

#: Semua kunci yang dikirim ke Lumbung, tidak lebih dan tidak kurang.
FIGURE_KEYS = ("claims_filed", "claims_paid", "claims_rejected", "median_days_to_payment", "amount_paid")


def month_bounds(year, month):
    """Awal bulan dan awal bulan berikutnya, dalam zona waktu proyek."""
    tz = timezone.get_default_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def median(values):
    return round(statistics.median(values), 1) if values else None


def monthly_figures(*, year, month):
    """Angka bulan ``year``-``month``: {kunci: angka atau None}, dengan kunci ``FIGURE_KEYS``."""
    start, end = month_bounds(year, month)
    filed = Claim.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    paid = Claim.objects.filter(status=Status.DIBAYAR, paid_at__gte=start, paid_at__lt=end)
    rejections = ClaimStatusChange.objects.filter(to_status=Status.DITOLAK, changed_at__gte=start, changed_at__lt=end)
    rejected = Claim.objects.filter(status=Status.DITOLAK, pk__in=rejections.values("claim"))
    days = [
        (paid_at - submitted_at).total_seconds() / SECONDS_PER_DAY
        for submitted_at, paid_at in paid.values_list("submitted_at", "paid_at")
    ]
    return {
        "claims_filed": filed.count(),
        "claims_paid": len(days),
        "claims_rejected": rejected.count(),
        "median_days_to_payment": median(days),
        "amount_paid": int(paid.aggregate(total=Sum("amount"))["total"] or 0),
    }
