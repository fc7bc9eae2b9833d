from datetime import date, datetime, timedelta

from django.test import TestCase, override_settings
from django.utils import timezone

from pengaduan import selectors, services
from pengaduan.models import Status

from .helpers import make_agency, make_category, make_report, make_user


def _close(report, status, at, reason=""):
    for step in (Status.VERIFIED, Status.IN_PROGRESS):
        report = services.report_change_status(report=report, to_status=step, now=report.submitted_at)
    return services.report_change_status(report=report, to_status=status, now=at, reason=reason)


@override_settings(SLA_HOURS=72)
class SlaComplianceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.now = timezone.now()
        cls.roads = make_agency("Dinas Pekerjaan Umum")
        cls.health = make_agency("Dinas Kesehatan")
        category = make_category("Jalan rusak", agency=cls.roads)
        base = cls.now - timedelta(days=10)
        on_time = make_report(category, now=base)
        _close(on_time, Status.RESOLVED, base + timedelta(hours=10))
        late = make_report(category, now=base)
        _close(late, Status.RESOLVED, base + timedelta(hours=100))
        make_report(category, now=base)  # terbuka dan terlambat
        make_report(category, now=cls.now - timedelta(hours=1))  # terbuka, belum jatuh tempo
        rejected = make_report(category, now=base)
        services.report_change_status(report=rejected, to_status=Status.REJECTED, reason="Ganda", now=base)

    def row_for(self, rows, agency):
        return next(row for row in rows if row["agency"] == agency)

    def test_numbers_per_agency(self):
        rows = selectors.sla_compliance(now=self.now)
        roads = self.row_for(rows, self.roads)
        self.assertEqual(
            {k: roads[k] for k in ("total", "resolved", "on_time", "overdue_open", "rejected", "assessed")},
            {"total": 5, "resolved": 2, "on_time": 1, "overdue_open": 1, "rejected": 1, "assessed": 3},
        )
        self.assertEqual(roads["percent"], 33.3)
        self.assertEqual(roads["median_hours"], 55.0)

    def test_agency_without_reports_has_no_percentage(self):
        health = self.row_for(selectors.sla_compliance(now=self.now), self.health)
        self.assertEqual((health["total"], health["percent"], health["median_hours"]), (0, None, None))

    def test_total_row_sums_all_agencies(self):
        rows = selectors.sla_compliance(now=self.now)
        total = rows[-1]
        self.assertIsNone(total["agency"])
        self.assertEqual(total["total"], 5)
        self.assertEqual(total["percent"], 33.3)
        self.assertEqual(len(rows), 3)

    def test_date_range_filters_by_submission_day(self):
        today = timezone.localdate(self.now - timedelta(hours=1))  # hari laporan terbaru masuk
        rows = selectors.sla_compliance(start=today, end=today, now=self.now)
        self.assertEqual(self.row_for(rows, self.roads)["total"], 1)
        rows = selectors.sla_compliance(end=today - timedelta(days=1), now=self.now)
        self.assertEqual(self.row_for(rows, self.roads)["total"], 4)
        rows = selectors.sla_compliance(start=date(2000, 1, 1), end=date(2000, 1, 2), now=self.now)
        self.assertEqual(rows[-1]["total"], 0)


class VisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.roads = make_agency("Dinas Pekerjaan Umum")
        cls.health = make_agency("Dinas Kesehatan")
        cls.road_report = make_report(make_category("Jalan", agency=cls.roads))
        cls.health_report = make_report(make_category("Puskesmas", agency=cls.health), hours_ago=500)

    def test_officer_sees_only_own_agency(self):
        officer = make_user("pu", agency=self.roads)
        self.assertEqual(list(selectors.reports_visible_to(user=officer)), [self.road_report])
        self.assertEqual(list(selectors.reports_overdue(user=officer)), [])

    def test_staff_without_agency_sees_everything(self):
        staff = make_user("koordinator", is_staff=True)
        self.assertEqual(set(selectors.reports_visible_to(user=staff)), {self.road_report, self.health_report})
        self.assertEqual(list(selectors.reports_overdue(user=staff)), [self.health_report])

    def test_superuser_with_agency_still_sees_everything(self):
        admin = make_user("admin", is_staff=True, is_superuser=True, agency=self.roads)
        self.assertEqual(selectors.reports_visible_to(user=admin).count(), 2)


class DayBoundsTests(TestCase):
    def test_bounds_are_local_midnights(self):
        start_at, end_at = selectors._day_bounds(date(2025, 1, 1), date(2025, 1, 1))
        tz = timezone.get_current_timezone()
        self.assertEqual(start_at, timezone.make_aware(datetime(2025, 1, 1), tz))
        self.assertEqual(end_at - start_at, timedelta(days=1))
