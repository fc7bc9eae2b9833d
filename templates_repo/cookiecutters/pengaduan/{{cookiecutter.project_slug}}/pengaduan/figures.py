"""Angka layanan bulanan yang dilaporkan salinan ini ke Lumbung (``python manage.py report_to_lumbung``).

Hanya angka agregat dari basis data salinan ini: jumlah, persentase, dan median. Tidak pernah nama, nomor HP,
e-mail, alamat, lokasi, atau isi laporan. Kuncinya sama dengan ``figures`` yang dideklarasikan templat di Lumbung:

- ``reports_received``: laporan yang diterima (``submitted_at``) dalam bulan itu, dari semua saluran, apa pun
  statusnya sekarang.
- ``reports_resolved``: laporan yang ditutup sebagai selesai (status Selesai, ``closed_at``) dalam bulan itu, kapan
  pun diterimanya. Laporan yang ditolak tidak dihitung.
- ``resolved_within_sla``: persentase laporan ``reports_resolved`` yang selesai paling lama ``sla_hours`` jam (SLA
  yang tercatat pada laporan itu) setelah diterima; kosong (null) bila tidak ada laporan selesai.
- ``median_hours_to_resolve``: median lama penyelesaian (jam, dari diterima sampai selesai) laporan
  ``reports_resolved``; kosong (null) bila tidak ada.
- ``reports_by_channel.<saluran>``: laporan ``reports_received`` per saluran masuk (``Channel``), termasuk yang nol.

Bulan adalah bulan kalender menurut zona waktu proyek (``TIME_ZONE``): dari tanggal 1 pukul 00.00 sampai sebelum
tanggal 1 bulan berikutnya. Persentase dan median dibulatkan satu angka di belakang koma.
"""

import datetime as dt
import statistics

from django.db.models import Count
from django.utils import timezone

from .models import Channel, Report, Status

CHANNEL_KEY = "reports_by_channel"

#: Semua kunci yang dikirim ke Lumbung, tidak lebih dan tidak kurang.
FIGURE_KEYS = (
    "reports_received",
    "reports_resolved",
    "resolved_within_sla",
    "median_hours_to_resolve",
    *(f"{CHANNEL_KEY}.{channel}" for channel in Channel.values),
)


def month_bounds(year, month):
    """Awal bulan dan awal bulan berikutnya, dalam zona waktu proyek."""
    tz = timezone.get_default_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def percentage(part, whole):
    return round(100 * part / whole, 1) if whole else None


def median(values):
    return round(statistics.median(values), 1) if values else None


def monthly_figures(*, year, month):
    """Angka bulan ``year``-``month``: {kunci: angka atau None}, dengan kunci ``FIGURE_KEYS``."""
    start, end = month_bounds(year, month)
    received = Report.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    per_channel = dict(received.order_by().values_list("channel").annotate(count=Count("pk")))
    resolved = Report.objects.filter(status=Status.RESOLVED, closed_at__gte=start, closed_at__lt=end)
    hours, within_sla = [], 0
    for submitted_at, closed_at, sla_hours in resolved.values_list("submitted_at", "closed_at", "sla_hours"):
        elapsed = closed_at - submitted_at
        hours.append(elapsed.total_seconds() / 3600)
        within_sla += elapsed <= dt.timedelta(hours=sla_hours)
    figures = {
        "reports_received": received.count(),
        "reports_resolved": len(hours),
        "resolved_within_sla": percentage(within_sla, len(hours)),
        "median_hours_to_resolve": median(hours),
    }
    figures.update({f"{CHANNEL_KEY}.{channel}": per_channel.get(channel, 0) for channel in Channel.values})
    return figures
