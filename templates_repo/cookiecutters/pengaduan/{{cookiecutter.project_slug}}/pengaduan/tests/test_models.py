from datetime import timedelta

from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from pengaduan import services
from pengaduan.models import ALLOWED_TRANSITIONS, Escalation, Report, Status, photo_upload_to

from .helpers import make_agency, make_category, make_report


class ReportModelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.agency = make_agency("Dinas Pekerjaan Umum")
        cls.category = make_category("Jalan rusak", agency=cls.agency)

    def test_str_and_absolute_url(self):
        report = make_report(self.category)
        self.assertEqual(str(report), f"{report.ticket_code} – Jalan rusak")
        self.assertEqual(report.get_absolute_url(), f"/lacak/{report.ticket_code}/")
        self.assertEqual(str(self.agency), "Dinas Pekerjaan Umum")
        self.assertEqual(str(self.category), "Jalan rusak")

    def test_is_overdue_depends_on_time_and_status(self):
        now = timezone.now()
        report = make_report(self.category, now=now)
        self.assertFalse(report.is_overdue(now + timedelta(hours=report.sla_hours)))
        self.assertTrue(report.is_overdue(now + timedelta(hours=report.sla_hours, minutes=1)))
        report = services.report_change_status(report=report, to_status=Status.REJECTED, reason="Duplikat", now=now)
        self.assertFalse(report.is_overdue(now + timedelta(days=30)))

    def test_resolved_within_sla(self):
        now = timezone.now()
        report = make_report(self.category, now=now)
        self.assertIsNone(report.resolved_within_sla)
        for step in (Status.VERIFIED, Status.IN_PROGRESS):
            report = services.report_change_status(report=report, to_status=step, now=now)
        late = make_report(self.category, now=now)
        for step in (Status.VERIFIED, Status.IN_PROGRESS):
            late = services.report_change_status(report=late, to_status=step, now=now)
        report = services.report_change_status(report=report, to_status=Status.RESOLVED, now=report.due_at)
        late = services.report_change_status(
            report=late, to_status=Status.RESOLVED, now=late.due_at + timedelta(seconds=1)
        )
        self.assertTrue(report.resolved_within_sla)
        self.assertFalse(late.resolved_within_sla)

    def test_queryset_open_and_overdue(self):
        now = timezone.now()
        fresh = make_report(self.category, now=now)
        old = make_report(self.category, now=now - timedelta(hours=fresh.sla_hours + 1))
        closed = make_report(self.category, now=now - timedelta(hours=fresh.sla_hours + 1))
        services.report_change_status(report=closed, to_status=Status.REJECTED, reason="Bukan kewenangan daerah")
        self.assertEqual(set(Report.objects.open()), {fresh, old})
        self.assertEqual(list(Report.objects.overdue(now)), [old])

    def test_allowed_next_statuses_and_terminal_states(self):
        report = make_report(self.category)
        self.assertEqual(report.allowed_next_statuses(), (Status.VERIFIED, Status.REJECTED))
        self.assertEqual(ALLOWED_TRANSITIONS[Status.RESOLVED], ())
        self.assertEqual(ALLOWED_TRANSITIONS[Status.REJECTED], ())

    def test_database_refuses_rejected_without_reason(self):
        report = make_report(self.category)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Report.objects.filter(pk=report.pk).update(status=Status.REJECTED, rejection_reason="")

    def test_one_escalation_per_report(self):
        report = make_report(self.category, hours_ago=200)
        Escalation.objects.create(report=report, officer="Sekretaris Daerah", hours_overdue=1)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Escalation.objects.create(report=report, officer="Sekretaris Daerah", hours_overdue=2)
        report.refresh_from_db()
        self.assertTrue(report.is_escalated)

    def test_photo_upload_path_is_random_and_keeps_extension(self):
        first = photo_upload_to(None, "IMG 001.JPG")
        second = photo_upload_to(None, "IMG 001.JPG")
        self.assertNotEqual(first, second)
        self.assertTrue(first.startswith("laporan/"))
        self.assertTrue(first.endswith(".jpg"))
        self.assertNotIn("IMG", first)
