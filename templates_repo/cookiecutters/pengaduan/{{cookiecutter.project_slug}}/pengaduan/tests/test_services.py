import re
from datetime import timedelta
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.utils import timezone

from pengaduan import selectors, services
from pengaduan.models import Agency, AgencyTransfer, Category, Channel, Escalation, Report, Status, StatusChange

from .helpers import TempMediaMixin, image_upload, make_agency, make_category, make_report, make_user


class TicketCodeTests(TestCase):
    def test_generated_codes_have_expected_shape_and_differ(self):
        codes = {services.ticket_code_generate() for _ in range(50)}
        self.assertEqual(len(codes), 50)
        for code in codes:
            self.assertRegex(code, r"^LPR-[23456789ABCDEFGHJKMNPQRSTWXYZ]{8}$")

    def test_generation_retries_when_code_taken(self):
        category = make_category()
        taken = make_report(category).ticket_code
        letters = list(taken[4:]) + list("ABCDEFGH")
        with mock.patch("pengaduan.services.secrets.choice", side_effect=letters):
            self.assertEqual(services.ticket_code_generate(), "LPR-ABCDEFGH")

    def test_normalize_accepts_what_citizens_type(self):
        for raw in ("LPR-7K3M9Q2X", "lpr-7k3m9q2x", " lpr 7K3M 9Q2X ", "7k3m9q2x", "LPR7K3M9Q2X"):
            self.assertEqual(services.ticket_code_normalize(raw=raw), "LPR-7K3M9Q2X", raw)

    def test_normalize_rejects_bad_codes(self):
        for raw in ("", "LPR-", "LPR-7K3M9Q", "LPR-7K3M9Q2XX", "LPR-OOOOIIII", "<script>", "LPR-7K3M9Q2!"):
            self.assertIsNone(services.ticket_code_normalize(raw=raw), raw)


class ReportSubmitTests(TempMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.agency = make_agency("Dinas Lingkungan Hidup")
        cls.category = make_category("Sampah", agency=cls.agency)

    def test_routes_to_category_agency_and_computes_due_time(self):
        now = timezone.now()
        report = make_report(self.category, now=now, channel=Channel.WHATSAPP)
        self.assertEqual(report.agency, self.agency)
        self.assertEqual(report.status, Status.RECEIVED)
        self.assertEqual(report.sla_hours, services.settings.SLA_HOURS)
        self.assertEqual(report.due_at, now + timedelta(hours=services.settings.SLA_HOURS))
        self.assertRegex(report.ticket_code, r"^LPR-[A-Z0-9]{8}$")
        history = list(report.history.all())
        self.assertEqual(len(history), 1)
        self.assertEqual((history[0].from_status, history[0].to_status), ("", Status.RECEIVED))
        self.assertEqual(history[0].changed_at, now)
        self.assertIn("WhatsApp", history[0].note)
        self.assertIn("Dinas Lingkungan Hidup", history[0].note)

    @override_settings(SLA_HOURS=24)
    def test_sla_comes_from_settings_and_is_stored_on_the_report(self):
        now = timezone.now()
        report = make_report(self.category, now=now)
        self.assertEqual(report.sla_hours, 24)
        self.assertEqual(report.due_at - report.submitted_at, timedelta(hours=24))
        with self.settings(SLA_HOURS=72):
            report.refresh_from_db()
            self.assertEqual(report.due_at - report.submitted_at, timedelta(hours=24))

    def test_phone_is_normalized_and_name_cleaned(self):
        report = make_report(self.category, reporter_name="  Siti   Aminah ", reporter_phone="0812 3456 7890")
        self.assertEqual(report.reporter_name, "Siti Aminah")
        self.assertEqual(report.reporter_phone, "+6281234567890")

    @override_settings(ALLOW_ANONYMOUS_REPORTS=True)
    def test_anonymous_report_drops_identity(self):
        report = make_report(self.category, is_anonymous=True, reporter_name="Budi", reporter_phone="081234567890")
        self.assertTrue(report.is_anonymous)
        self.assertEqual((report.reporter_name, report.reporter_phone), ("", ""))

    @override_settings(ALLOW_ANONYMOUS_REPORTS=False)
    def test_anonymous_report_refused_when_not_allowed(self):
        with self.assertRaises(ValidationError) as ctx:
            make_report(self.category, is_anonymous=True)
        self.assertIn("is_anonymous", ctx.exception.message_dict)
        self.assertFalse(Report.objects.exists())

    def test_identified_report_needs_name_and_valid_phone(self):
        with self.assertRaises(ValidationError) as ctx:
            make_report(self.category, reporter_name="", reporter_phone="")
        self.assertEqual(set(ctx.exception.message_dict), {"reporter_name", "reporter_phone"})
        with self.assertRaises(ValidationError) as ctx:
            make_report(self.category, reporter_phone="12345")
        self.assertIn("reporter_phone", ctx.exception.message_dict)

    def test_model_validation_runs(self):
        with self.assertRaises(ValidationError) as ctx:
            make_report(self.category, description="terlalu pendek")
        self.assertIn("description", ctx.exception.message_dict)
        self.assertFalse(Report.objects.exists())
        self.assertFalse(StatusChange.objects.exists())

    def test_inactive_category_or_agency_refused(self):
        inactive = make_category("Lama", agency=self.agency, is_active=False)
        with self.assertRaises(ValidationError):
            make_report(inactive)
        closed_agency = make_agency("Dinas Lama", is_active=False)
        with self.assertRaises(ValidationError):
            make_report(make_category("Lain", agency=closed_agency))

    @override_settings(REGION_CODE="64.74")
    def test_area_must_belong_to_region_and_name_comes_from_lokal(self):
        report = make_report(self.category, area_code="64.74.01")
        self.assertEqual((report.area_code, report.area_name), ("64.74.01", "Bontang Utara"))
        for foreign in ("33.74.01", "64.7", "64.74", "xx"):
            with self.assertRaises(ValidationError) as ctx:
                make_report(self.category, area_code=foreign)
            self.assertIn("area", ctx.exception.message_dict)

    def test_photo_is_saved_under_random_name(self):
        report = make_report(self.category, photo=image_upload("rumah-saya.png"))
        self.assertTrue(report.photo.name.startswith("laporan/"))
        self.assertNotIn("rumah-saya", report.photo.name)
        self.assertTrue(report.photo.storage.exists(report.photo.name))

    @override_settings(PHOTO_MAX_MB=1)
    def test_photo_size_checked_by_service_too(self):
        huge = image_upload()
        huge.size = 2 * 1024 * 1024
        with self.assertRaises(ValidationError) as ctx:
            make_report(self.category, photo=huge)
        self.assertIn("photo", ctx.exception.message_dict)


class ReportChangeStatusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.category = make_category()
        cls.user = make_user("petugas", is_staff=True)

    def setUp(self):
        self.report = make_report(self.category)

    def test_full_workflow_is_recorded_with_timestamps(self):
        start = timezone.now()
        report = self.report
        for hours, step in enumerate((Status.VERIFIED, Status.IN_PROGRESS, Status.RESOLVED), start=1):
            report = services.report_change_status(
                report=report, to_status=step, by=self.user, note=f"langkah {hours}", now=start + timedelta(hours=hours)
            )
        self.assertEqual(report.status, Status.RESOLVED)
        self.assertEqual(report.closed_at, start + timedelta(hours=3))
        history = list(report.history.values_list("from_status", "to_status", "note"))
        self.assertEqual(
            history,
            [
                ("", "diterima", history[0][2]),
                ("diterima", "terverifikasi", "langkah 1"),
                ("terverifikasi", "diproses", "langkah 2"),
                ("diproses", "selesai", "langkah 3"),
            ],
        )
        self.assertEqual(report.history.last().changed_by, self.user)

    def test_invalid_transitions_are_refused(self):
        for target in (Status.RESOLVED, Status.IN_PROGRESS, Status.RECEIVED):
            with self.assertRaises(ValidationError):
                services.report_change_status(report=self.report, to_status=target)
        with self.assertRaises(ValidationError):
            services.report_change_status(report=self.report, to_status="hilang")
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, Status.RECEIVED)
        self.assertEqual(self.report.history.count(), 1)

    def test_closed_reports_cannot_change(self):
        report = services.report_change_status(report=self.report, to_status=Status.REJECTED, reason="Ganda")
        for target in Status:
            with self.assertRaises(ValidationError):
                services.report_change_status(report=report, to_status=target, reason="x")

    def test_rejection_needs_reason_and_records_it(self):
        with self.assertRaises(ValidationError) as ctx:
            services.report_change_status(report=self.report, to_status=Status.REJECTED, reason="   ")
        self.assertIn("reason", ctx.exception.message_dict)
        report = services.report_change_status(
            report=self.report, to_status=Status.REJECTED, reason="Lokasi di luar wilayah kami."
        )
        self.assertEqual(report.rejection_reason, "Lokasi di luar wilayah kami.")
        self.assertIsNotNone(report.closed_at)
        self.assertEqual(report.history.last().note, "Lokasi di luar wilayah kami.")

    def test_uses_fresh_state_from_database(self):
        stale = Report.objects.get(pk=self.report.pk)
        services.report_change_status(report=self.report, to_status=Status.VERIFIED)
        with self.assertRaises(ValidationError):  # stale object still says "diterima"
            services.report_change_status(report=stale, to_status=Status.VERIFIED)


class ReportTransferTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.social = make_agency("Dinas Sosial")
        cls.roads = make_agency("Dinas Pekerjaan Umum")
        cls.category = make_category("Bantuan sosial", agency=cls.social)
        cls.user = make_user("petugas-sosial", agency=cls.social)

    def setUp(self):
        self.report = make_report(self.category, hours_ago=5)

    def test_misfiled_report_moves_to_another_agency_and_is_recorded(self):
        now = timezone.now()
        due_at = self.report.due_at
        report = services.report_transfer(
            report=self.report, to_agency=self.roads, reason="  Jalan berlubang, wewenang DPU. ", by=self.user, now=now
        )
        self.assertEqual(report.agency, self.roads)
        self.assertEqual(Report.objects.get(pk=report.pk).agency, self.roads)
        self.assertEqual(report.due_at, due_at)  # SLA tetap dihitung sejak laporan diterima
        self.assertEqual(report.status, Status.RECEIVED)
        transfer = AgencyTransfer.objects.get()
        self.assertEqual(
            (transfer.from_agency, transfer.to_agency, transfer.transferred_by, transfer.transferred_at),
            (self.social, self.roads, self.user, now),
        )
        self.assertEqual(transfer.reason, "Jalan berlubang, wewenang DPU.")

    def test_reason_is_required(self):
        with self.assertRaises(ValidationError) as ctx:
            services.report_transfer(report=self.report, to_agency=self.roads, reason="   ")
        self.assertIn("reason", ctx.exception.message_dict)
        self.assertFalse(AgencyTransfer.objects.exists())

    def test_target_must_be_another_active_agency_of_the_region(self):
        inactive = make_agency("Dinas Lama", is_active=False)
        for target in (self.social, inactive, None, "Dinas Pekerjaan Umum"):
            with self.assertRaises(ValidationError) as ctx:
                services.report_transfer(report=self.report, to_agency=target, reason="Salah alamat.")
            self.assertIn("to_agency", ctx.exception.message_dict)
        self.report.refresh_from_db()
        self.assertEqual(self.report.agency, self.social)
        self.assertFalse(AgencyTransfer.objects.exists())

    def test_closed_report_cannot_move(self):
        report = services.report_change_status(report=self.report, to_status=Status.REJECTED, reason="Ganda")
        with self.assertRaises(ValidationError):
            services.report_transfer(report=report, to_agency=self.roads, reason="Salah alamat.")

    def test_timeline_merges_status_changes_and_transfers_in_order(self):
        start = timezone.now()
        report = services.report_change_status(report=self.report, to_status=Status.VERIFIED, now=start)
        report = services.report_transfer(
            report=report, to_agency=self.roads, reason="Wewenang DPU.", now=start + timedelta(hours=1)
        )
        services.report_change_status(report=report, to_status=Status.IN_PROGRESS, now=start + timedelta(hours=2))
        timeline = selectors.report_timeline(report=report)
        self.assertEqual([entry.timeline_kind for entry in timeline], ["status", "status", "transfer", "status"])
        self.assertEqual(timeline[2].to_agency, self.roads)


@override_settings(ESCALATION_OFFICER="Sekretaris Daerah Uji")
class EscalationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.category = make_category()

    def test_escalate_overdue_report(self):
        now = timezone.now()
        report = make_report(self.category, now=now - timedelta(hours=services.settings.SLA_HOURS + 5))
        escalation, created = services.report_escalate(report=report, now=now)
        self.assertTrue(created)
        self.assertEqual(escalation.officer, "Sekretaris Daerah Uji")
        self.assertEqual(escalation.hours_overdue, 5)
        again, created_again = services.report_escalate(report=report, now=now + timedelta(hours=1))
        self.assertFalse(created_again)
        self.assertEqual(again.pk, escalation.pk)
        self.assertEqual(Escalation.objects.count(), 1)

    def test_report_within_sla_cannot_be_escalated(self):
        report = make_report(self.category)
        with self.assertRaises(ValidationError):
            services.report_escalate(report=report)
        self.assertFalse(Escalation.objects.exists())

    def test_closed_report_cannot_be_escalated(self):
        report = make_report(self.category, hours_ago=500)
        report = services.report_change_status(report=report, to_status=Status.REJECTED, reason="Ganda")
        with self.assertRaises(ValidationError):
            services.report_escalate(report=report)

    def test_bulk_escalation_is_idempotent(self):
        late = [make_report(self.category, hours_ago=services.settings.SLA_HOURS + h) for h in (1, 10)]
        make_report(self.category, hours_ago=1)
        first = services.reports_escalate_overdue()
        self.assertEqual({e.report_id for e in first}, {r.pk for r in late})
        self.assertEqual(services.reports_escalate_overdue(), [])
        self.assertEqual(Escalation.objects.count(), 2)


class RegionSeedTests(TestCase):
    AGENCIES = [
        "Dinas Komunikasi dan Informatika",
        "Dinas Sosial",
        "Dinas Pekerjaan Umum",
        "Dinas Kesehatan",
        "Dinas Pendidikan",
        "Dinas Lingkungan Hidup",
    ]

    def mapping(self):
        return dict(Category.objects.values_list("name", "agency__name"))

    def test_creates_agencies_and_default_category_mapping(self):
        result = services.region_seed(agency_names=self.AGENCIES)
        self.assertEqual(result, {"agencies": 6, "categories": len(services.DEFAULT_CATEGORIES)})
        self.assertEqual(set(Agency.objects.values_list("name", flat=True)), set(self.AGENCIES))
        mapping = self.mapping()
        self.assertEqual(mapping["Jalan dan jembatan rusak"], "Dinas Pekerjaan Umum")
        self.assertEqual(mapping["Sampah dan kebersihan"], "Dinas Lingkungan Hidup")
        self.assertEqual(mapping["Layanan kesehatan"], "Dinas Kesehatan")
        self.assertEqual(mapping["Bantuan sosial"], "Dinas Sosial")
        self.assertEqual(mapping["Pendidikan dan sekolah"], "Dinas Pendidikan")
        self.assertEqual(mapping["Penerangan jalan umum"], "Dinas Pekerjaan Umum")
        self.assertEqual(mapping["Lainnya"], "Dinas Komunikasi dan Informatika")

    def test_is_idempotent_and_keeps_admin_edits(self):
        services.region_seed(agency_names=self.AGENCIES)
        Category.objects.filter(name="Lainnya").update(agency=Agency.objects.get(name="Dinas Sosial"))
        self.assertEqual(services.region_seed(agency_names=self.AGENCIES), {"agencies": 0, "categories": 0})
        self.assertEqual(self.mapping()["Lainnya"], "Dinas Sosial")
        self.assertEqual(Agency.objects.count(), 6)

    def test_unknown_agency_names_fall_back_to_first(self):
        services.region_seed(agency_names=["Badan Satu", "Badan Dua"])
        self.assertEqual(set(self.mapping().values()), {"Badan Satu"})

    def test_uses_agencies_from_settings_by_default(self):
        with self.settings(AGENCIES=["Dinas A", "Dinas Kesehatan B"]):
            services.region_seed()
        self.assertEqual(set(Agency.objects.values_list("name", flat=True)), {"Dinas A", "Dinas Kesehatan B"})
        self.assertEqual(self.mapping()["Layanan kesehatan"], "Dinas Kesehatan B")

    def test_empty_agency_list_is_an_error(self):
        with self.assertRaises(ValidationError):
            services.region_seed(agency_names=[])

    def test_demo_reports_only_once(self):
        services.region_seed(agency_names=self.AGENCIES)
        with self.captureOnCommitCallbacks() as callbacks:
            created = services.demo_reports_seed()
        self.assertEqual(callbacks, [])  # laporan contoh tidak mengirim pemberitahuan
        self.assertEqual(created, len(services.DEMO_REPORTS))
        self.assertEqual(Report.objects.count(), created)
        self.assertTrue(Report.objects.filter(status=Status.RESOLVED).exists())
        self.assertTrue(Report.objects.overdue().exists())
        self.assertEqual(services.demo_reports_seed(), 0)

    @override_settings(DEBUG=False)
    def test_demo_admin_refused_without_debug(self):
        with self.assertRaises(ValidationError):
            services.demo_admin_ensure()
        self.assertFalse(services.get_user_model().objects.exists())

    @override_settings(DEBUG=True)
    def test_demo_admin_created_once(self):
        self.assertTrue(services.demo_admin_ensure(username="demo", password="rahasia-demo-123"))
        self.assertFalse(services.demo_admin_ensure(username="demo", password="lain"))
        user = services.get_user_model().objects.get(username="demo")
        self.assertTrue(user.is_superuser)
        self.assertTrue(user.check_password("rahasia-demo-123"))


class TicketAlphabetTests(TestCase):
    def test_ticket_alphabet_has_no_ambiguous_characters(self):
        self.assertIsNone(re.search(r"[01ILOUV]", services.TICKET_ALPHABET))
