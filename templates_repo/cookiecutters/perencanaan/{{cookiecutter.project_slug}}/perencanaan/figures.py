"""Angka layanan bulanan yang dilaporkan salinan ini ke Lumbung (``python manage.py report_to_lumbung``).

Hanya angka agregat dari basis data salinan ini: jumlah dan total Rupiah. Tidak pernah nama pengusul, judul, uraian,
lokasi, atau catatan usulan. Kuncinya sama dengan ``figures`` yang dideklarasikan templat di Lumbung:

- ``proposals_received``: usulan yang diajukan pertama kali (draf menjadi "dalam pembahasan", riwayat ``ajukan``)
  dalam bulan itu, apa pun statusnya sekarang. Pengajuan ulang usulan yang dikembalikan tidak dihitung lagi, dan
  draf yang belum diajukan tidak dihitung.
- ``proposals_approved``: usulan yang ditetapkan (disetujui di tahap musrenbang terakhir, status Disetujui) dalam
  bulan itu. Persetujuan di tahap sebelumnya hanya meneruskan usulan ke tahap berikutnya dan tidak dihitung.
- ``approved_budget``: jumlah perkiraan biaya (Rupiah) usulan ``proposals_approved``.

Bulan adalah bulan kalender menurut zona waktu proyek (``TIME_ZONE``): dari tanggal 1 pukul 00.00 sampai sebelum
tanggal 1 bulan berikutnya, dari waktu yang tercatat di riwayat usulan (``ProposalEvent``).
"""

import datetime as dt

from django.db.models import Sum
from django.utils import timezone

from .models import Proposal, ProposalEvent, Status

Action = ProposalEvent.Action

#: Semua kunci yang dikirim ke Lumbung, tidak lebih dan tidak kurang.
FIGURE_KEYS = ("proposals_received", "proposals_approved", "approved_budget")


def month_bounds(year, month):
    """Awal bulan dan awal bulan berikutnya, dalam zona waktu proyek."""
    tz = timezone.get_default_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def monthly_figures(*, year, month):
    """Angka bulan ``year``-``month``: {kunci: angka}, dengan kunci ``FIGURE_KEYS``."""
    start, end = month_bounds(year, month)
    events = ProposalEvent.objects.filter(created_at__gte=start, created_at__lt=end)
    first_submissions = events.filter(action=Action.SUBMIT, from_status=Status.DRAFT)
    approvals = events.filter(action=Action.APPROVE, to_status=Status.APPROVED)
    received = Proposal.objects.filter(pk__in=first_submissions.values("proposal"))
    approved = Proposal.objects.filter(status=Status.APPROVED, pk__in=approvals.values("proposal"))
    return {
        "proposals_received": received.count(),
        "proposals_approved": approved.count(),
        "approved_budget": int(approved.aggregate(total=Sum("cost_estimate"))["total"] or 0),
    }
