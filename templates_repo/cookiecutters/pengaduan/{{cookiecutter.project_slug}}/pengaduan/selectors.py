"""Kueri baca: daftar laporan untuk petugas, riwayat laporan, laporan terlambat, dan rekap kepatuhan SLA per OPD."""

import statistics
from datetime import datetime, time, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from .models import OPEN_STATUSES, Agency, Report, Status
from .permissions import officer_of


def reports_visible_to(*, user):
    """Laporan yang boleh dilihat ``user``: semua, atau hanya milik OPD-nya bila ia petugas OPD."""
    reports = Report.objects.select_related("category", "agency", "escalation")
    officer = officer_of(user)
    if officer is not None and not user.is_superuser:
        reports = reports.filter(agency_id=officer.agency_id)
    return reports


def report_timeline(*, report):
    """Riwayat laporan berurutan waktu: perubahan status dan pemindahan OPD (``timeline_kind`` membedakannya)."""
    changes = report.history.select_related("changed_by")
    transfers = report.transfers.select_related("from_agency", "to_agency", "transferred_by")
    entries = [(change.changed_at, 0, change.pk, change) for change in changes]
    entries += [(transfer.transferred_at, 1, transfer.pk, transfer) for transfer in transfers]
    return [entry for *_, entry in sorted(entries, key=lambda item: item[:3])]


def reports_overdue(*, user, now=None):
    """Laporan terbuka yang melewati batas waktu, yang paling lama terlambat lebih dulu."""
    return reports_visible_to(user=user).overdue(now).order_by("due_at")


def _day_bounds(start, end):
    tz = timezone.get_current_timezone()
    start_at = timezone.make_aware(datetime.combine(start, time.min), tz) if start else None
    end_at = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz) if end else None
    return start_at, end_at


def sla_compliance(*, start=None, end=None, now=None):
    """Rekap per OPD untuk laporan yang masuk pada rentang tanggal [start, end] (lokal, inklusif).

    - ``total``: semua laporan; ``resolved``: selesai; ``on_time``: selesai paling lambat pada batas waktu;
    - ``overdue_open``: belum selesai dan sudah lewat batas; ``rejected``: ditolak;
    - ``percent``: on_time / (resolved + overdue_open) × 100 — hanya laporan yang hasil SLA-nya sudah pasti;
      None bila belum ada yang bisa dinilai;
    - ``median_hours``: median lama penyelesaian (jam) laporan yang selesai.
    Baris terakhir (``agency`` None) adalah total seluruh OPD.
    """
    now = now or timezone.now()
    reports = Report.objects.all()
    start_at, end_at = _day_bounds(start, end)
    if start_at:
        reports = reports.filter(submitted_at__gte=start_at)
    if end_at:
        reports = reports.filter(submitted_at__lt=end_at)

    counts = {
        row["agency"]: row
        for row in reports.values("agency").annotate(
            total=Count("id"),
            resolved=Count("id", filter=Q(status=Status.RESOLVED)),
            on_time=Count("id", filter=Q(status=Status.RESOLVED, closed_at__lte=F("due_at"))),
            overdue_open=Count("id", filter=Q(status__in=OPEN_STATUSES, due_at__lt=now)),
            rejected=Count("id", filter=Q(status=Status.REJECTED)),
        )
    }
    durations = {}
    for agency_id, submitted_at, closed_at in reports.filter(status=Status.RESOLVED).values_list(
        "agency", "submitted_at", "closed_at"
    ):
        durations.setdefault(agency_id, []).append((closed_at - submitted_at).total_seconds() / 3600)

    keys = ("total", "resolved", "on_time", "overdue_open", "rejected")
    rows = []
    for agency in Agency.objects.all():
        base = counts.get(agency.pk, {})
        rows.append(_summary_row(agency, {k: base.get(k, 0) for k in keys}, durations.get(agency.pk, [])))
    totals = {k: sum(row[k] for row in rows) for k in keys}
    rows.append(_summary_row(None, totals, [h for hours in durations.values() for h in hours]))
    return rows


def _summary_row(agency, numbers, hours):
    assessed = numbers["resolved"] + numbers["overdue_open"]
    return {
        "agency": agency,
        **numbers,
        "assessed": assessed,
        "percent": round(100 * numbers["on_time"] / assessed, 1) if assessed else None,
        "median_hours": round(statistics.median(hours), 1) if hours else None,
    }
