from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import TestCase, override_settings
from django.urls import reverse

from pengaduan import services
from pengaduan.models import Agency, AgencyTransfer, Category, Escalation, Officer, Report, Status, StatusChange

from .helpers import (
    VALID_DESCRIPTION,
    TempMediaMixin,
    first_area_code,
    image_upload,
    make_agency,
    make_category,
    make_report,
    make_user,
)


class PublicPagesTests(TempMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.agency = make_agency("Dinas Pekerjaan Umum")
        cls.category = make_category("Jalan rusak", agency=cls.agency)

    def form_data(self, **overrides):
        data = {
            "category": self.category.pk,
            "location": "Jl. Pandanaran dekat tugu",
            "description": VALID_DESCRIPTION,
            "reporter_name": "Siti Rahayu",
            "reporter_phone": "081398765432",
            "area": first_area_code(),
        }
        data.update(overrides)
        return data

    def test_home_page(self):
        response = self.client.get(reverse("pengaduan:home"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f"SLA {settings.SLA_HOURS} jam")
        self.assertContains(response, settings.ESCALATION_OFFICER)
        self.assertContains(response, f"--primary: {settings.PRIMARY_COLOR}")
        self.assertContains(response, reverse("pengaduan:report_create"))
        self.assertNotContains(response, reverse("pengaduan:staff_overdue"))

    def test_home_shows_statistics_but_no_ticket_codes(self):
        report = make_report(self.category, hours_ago=2)
        for step in (Status.VERIFIED, Status.IN_PROGRESS, Status.RESOLVED):
            report = services.report_change_status(report=report, to_status=step)
        make_report(self.category, hours_ago=24 * 60)  # di luar 30 hari
        response = self.client.get(reverse("pengaduan:home"))
        self.assertEqual(response.context["stats"]["total"], 1)
        self.assertEqual(response.context["stats"]["resolved"], 1)
        self.assertContains(response, "100,0%")
        self.assertNotContains(response, report.ticket_code)

    def test_report_form_page(self):
        response = self.client.get(reverse("pengaduan:report_create"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, "Jalan rusak")
        self.assertNotContains(response, 'name="channel"')

    def test_submit_report_then_track_it(self):
        response = self.client.post(
            reverse("pengaduan:report_create"), self.form_data(photo=image_upload("jalan.png"))
        )
        report = Report.objects.get()
        self.assertRedirects(response, reverse("pengaduan:report_submitted", args=[report.ticket_code]))
        self.assertEqual(report.channel, "web")
        self.assertEqual(report.agency, self.agency)
        self.assertTrue(report.photo)
        if first_area_code():
            self.assertEqual(report.area_code, first_area_code())
            self.assertTrue(report.area_name)
        response = self.client.get(reverse("pengaduan:report_submitted", args=[report.ticket_code]))
        self.assertContains(response, report.ticket_code)
        self.assertContains(response, f"SLA {settings.SLA_HOURS} jam")

        response = self.client.get(report.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, report.ticket_code)
        self.assertContains(response, "Diterima")
        self.assertContains(response, "Dinas Pekerjaan Umum")
        self.assertContains(response, f"SLA {settings.SLA_HOURS} jam")
        self.assertContains(response, report.area_name)
        for private in ("Siti Rahayu", "0813", "+62813", "Pandanaran", VALID_DESCRIPTION, report.photo.name):
            self.assertNotContains(response, private)

    def test_invalid_submission_shows_errors(self):
        response = self.client.post(reverse("pengaduan:report_create"), self.form_data(description="pendek"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "errorlist")
        self.assertFalse(Report.objects.exists())

    def test_confirmation_page_only_for_submitter_session(self):
        report = make_report(self.category)
        response = self.client.get(reverse("pengaduan:report_submitted", args=[report.ticket_code]))
        self.assertRedirects(response, report.get_absolute_url())

    def test_tracking_history_and_rejection_reason(self):
        report = make_report(self.category)
        report = services.report_change_status(report=report, to_status=Status.VERIFIED, note="Sudah dicek petugas.")
        services.report_change_status(report=report, to_status=Status.REJECTED, reason="Bukan aset daerah.")
        response = self.client.get(report.get_absolute_url())
        self.assertContains(response, "Terverifikasi")
        self.assertContains(response, "Sudah dicek petugas.")
        self.assertContains(response, "Bukan aset daerah.")
        self.assertContains(response, "Ditolak")

    def test_submitted_email_is_stored_but_never_public(self):
        self.client.post(reverse("pengaduan:report_create"), self.form_data(reporter_email="siti@contoh.id"))
        report = Report.objects.get()
        self.assertEqual(report.reporter_email, "siti@contoh.id")
        self.assertNotContains(self.client.get(report.get_absolute_url()), "siti@contoh.id")

    def test_tracking_shows_overdue_and_escalation(self):
        report = make_report(self.category, hours_ago=settings.SLA_HOURS + 3)
        response = self.client.get(report.get_absolute_url())
        self.assertContains(response, "Melewati SLA")
        services.report_escalate(report=report)
        response = self.client.get(report.get_absolute_url())
        self.assertContains(response, f"dieskalasikan kepada {settings.ESCALATION_OFFICER}")

    def test_track_lookup(self):
        report = make_report(self.category)
        url = reverse("pengaduan:track_lookup")
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.get(url, {"code": report.ticket_code.lower()})
        self.assertRedirects(response, report.get_absolute_url())
        response = self.client.get(url, {"code": "LPR-AAAAAAAA"})
        self.assertContains(response, "tidak ditemukan")
        response = self.client.get(url, {"code": "ngawur"})
        self.assertContains(response, "Format kode tiket tidak dikenali")

    def test_track_detail_normalizes_and_404s(self):
        report = make_report(self.category)
        response = self.client.get(reverse("pengaduan:track_detail", args=[report.ticket_code.lower()]))
        self.assertRedirects(response, report.get_absolute_url())
        self.assertEqual(self.client.get(reverse("pengaduan:track_detail", args=["LPR-AAAAAAAA"])).status_code, 404)
        self.assertEqual(self.client.get(reverse("pengaduan:track_detail", args=["salah"])).status_code, 404)

    def test_login_page(self):
        response = self.client.get(reverse("login"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Masuk petugas")


class StaffAccessTests(TestCase):
    STAFF_URLS = ["staff_report_list", "staff_report_create", "staff_overdue", "staff_sla"]

    @classmethod
    def setUpTestData(cls):
        cls.report = make_report(make_category())

    def test_anonymous_redirected_to_login(self):
        for name in self.STAFF_URLS:
            url = reverse(f"pengaduan:{name}")
            response = self.client.get(url)
            self.assertRedirects(response, f"{reverse('login')}?next={url}", fetch_redirect_response=False)
        url = reverse("pengaduan:staff_report_detail", args=[self.report.ticket_code])
        self.assertEqual(self.client.get(url).status_code, 302)

    def test_ordinary_user_forbidden(self):
        self.client.force_login(make_user("warga"))
        for name in self.STAFF_URLS:
            self.assertEqual(self.client.get(reverse(f"pengaduan:{name}")).status_code, 403, name)
        response = self.client.post(reverse("pengaduan:staff_report_change_status", args=[self.report.ticket_code]),
                                    {"to_status": Status.VERIFIED})
        self.assertEqual(response.status_code, 403)
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, Status.RECEIVED)

    def test_staff_allowed(self):
        self.client.force_login(make_user("staf", is_staff=True))
        for name in self.STAFF_URLS:
            self.assertEqual(self.client.get(reverse(f"pengaduan:{name}")).status_code, 200, name)

    def test_inactive_user_forbidden(self):
        user = make_user("nonaktif", is_staff=True)
        user.is_active = False
        user.save()
        self.client.force_login(user)
        self.assertNotEqual(self.client.get(reverse("pengaduan:staff_report_list")).status_code, 200)

    def test_login_with_password_reaches_staff_list(self):
        get_user_model().objects.create_user("petugas", password="kata-sandi-kuat-123", is_staff=True)
        response = self.client.post(reverse("login"), {"username": "petugas", "password": "kata-sandi-kuat-123"})
        self.assertRedirects(response, reverse("pengaduan:staff_report_list"))


class StaffWorkTests(TempMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.roads = make_agency("Dinas Pekerjaan Umum")
        cls.health = make_agency("Dinas Kesehatan")
        cls.road_category = make_category("Jalan rusak", agency=cls.roads)
        cls.health_category = make_category("Puskesmas", agency=cls.health)
        cls.coordinator = make_user("koordinator", is_staff=True)
        cls.road_officer = make_user("petugas-pu", agency=cls.roads)

    def setUp(self):
        self.road_report = make_report(self.road_category, reporter_name="Budi Santoso")
        self.health_report = make_report(self.health_category, hours_ago=settings.SLA_HOURS + 2)

    def detail_url(self, report):
        return reverse("pengaduan:staff_report_detail", args=[report.ticket_code])

    def status_url(self, report):
        return reverse("pengaduan:staff_report_change_status", args=[report.ticket_code])

    def test_list_filters_and_officer_scope(self):
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("pengaduan:staff_report_list"))
        self.assertContains(response, self.road_report.ticket_code)
        self.assertContains(response, self.health_report.ticket_code)
        self.assertContains(response, "Terlambat")
        response = self.client.get(reverse("pengaduan:staff_report_list"), {"agency": self.health.pk})
        self.assertNotContains(response, self.road_report.ticket_code)
        response = self.client.get(reverse("pengaduan:staff_report_list"), {"status": "selesai"})
        self.assertContains(response, "Belum ada laporan")

        self.client.force_login(self.road_officer)
        response = self.client.get(reverse("pengaduan:staff_report_list"))
        self.assertContains(response, self.road_report.ticket_code)
        self.assertNotContains(response, self.health_report.ticket_code)

    def test_detail_shows_reporter_to_staff(self):
        self.client.force_login(self.road_officer)
        response = self.client.get(self.detail_url(self.road_report))
        self.assertContains(response, "Budi Santoso")
        self.assertContains(response, "+6281234567890")
        self.assertContains(response, VALID_DESCRIPTION)
        self.assertContains(response, 'value="terverifikasi"')

    def test_officer_cannot_touch_other_agency(self):
        self.client.force_login(self.road_officer)
        self.assertEqual(self.client.get(self.detail_url(self.health_report)).status_code, 403)
        response = self.client.post(self.status_url(self.health_report), {"to_status": Status.VERIFIED})
        self.assertEqual(response.status_code, 403)
        self.health_report.refresh_from_db()
        self.assertEqual(self.health_report.status, Status.RECEIVED)

    def test_change_status_through_page(self):
        self.client.force_login(self.road_officer)
        response = self.client.post(
            self.status_url(self.road_report), {"to_status": Status.VERIFIED, "note": "Lokasi sudah dicek."}
        )
        self.assertRedirects(response, self.detail_url(self.road_report))
        self.road_report.refresh_from_db()
        self.assertEqual(self.road_report.status, Status.VERIFIED)
        change = self.road_report.history.last()
        self.assertEqual((change.to_status, change.changed_by), (Status.VERIFIED, self.road_officer))

    def test_bad_status_change_shows_errors(self):
        self.client.force_login(self.road_officer)
        response = self.client.post(self.status_url(self.road_report), {"to_status": Status.REJECTED})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Alasan penolakan wajib diisi", status_code=400)
        response = self.client.post(self.status_url(self.road_report), {"to_status": Status.RESOLVED})
        self.assertEqual(response.status_code, 400)
        self.road_report.refresh_from_db()
        self.assertEqual(self.road_report.status, Status.RECEIVED)
        self.assertEqual(StatusChange.objects.filter(report=self.road_report).count(), 1)

    def test_status_change_requires_post(self):
        self.client.force_login(self.coordinator)
        self.assertEqual(self.client.get(self.status_url(self.road_report)).status_code, 405)

    def test_staff_intake_records_channel_and_user(self):
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("pengaduan:staff_report_create"))
        self.assertContains(response, 'name="channel"')
        response = self.client.post(
            reverse("pengaduan:staff_report_create"),
            {
                "category": self.road_category.pk,
                "channel": "whatsapp",
                "location": "Jl. Sudirman",
                "description": VALID_DESCRIPTION,
                "reporter_name": "Pelapor WA",
                "reporter_phone": "085712345678",
                "area": first_area_code(),
            },
        )
        report = Report.objects.get(reporter_name="Pelapor WA")
        self.assertRedirects(response, self.detail_url(report))
        self.assertEqual((report.channel, report.created_by), ("whatsapp", self.coordinator))

    def test_photo_only_for_staff(self):
        report = make_report(self.road_category, photo=image_upload())
        url = reverse("pengaduan:staff_report_photo", args=[report.ticket_code])
        self.assertEqual(self.client.get(url).status_code, 302)
        self.client.force_login(self.road_officer)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(b"".join(response.streaming_content).startswith(b"\x89PNG"))
        response = self.client.get(reverse("pengaduan:staff_report_photo", args=[self.road_report.ticket_code]))
        self.assertEqual(response.status_code, 404)

    def test_overdue_list_and_single_escalation(self):
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("pengaduan:staff_overdue"))
        self.assertContains(response, self.health_report.ticket_code)
        self.assertNotContains(response, self.road_report.ticket_code)
        self.assertContains(response, f"SLA {settings.SLA_HOURS} jam")
        url = reverse("pengaduan:staff_report_escalate", args=[self.health_report.ticket_code])
        response = self.client.post(url, follow=True)
        self.assertContains(response, f"dieskalasikan kepada {settings.ESCALATION_OFFICER}")
        escalation = Escalation.objects.get()
        self.assertEqual((escalation.report, escalation.raised_by), (self.health_report, self.coordinator))
        response = self.client.post(url, follow=True)
        self.assertContains(response, "sudah dieskalasikan sebelumnya")
        self.assertEqual(Escalation.objects.count(), 1)

    def test_escalating_report_within_sla_fails_politely(self):
        self.client.force_login(self.coordinator)
        url = reverse("pengaduan:staff_report_escalate", args=[self.road_report.ticket_code])
        response = self.client.post(url, follow=True)
        self.assertContains(response, "Hanya laporan terbuka")
        self.assertFalse(Escalation.objects.exists())

    def test_escalate_all_only_for_coordinator(self):
        self.client.force_login(self.road_officer)
        self.assertEqual(self.client.post(reverse("pengaduan:staff_escalate_all")).status_code, 403)
        self.client.force_login(self.coordinator)
        response = self.client.post(reverse("pengaduan:staff_escalate_all"), follow=True)
        self.assertContains(response, "1 laporan terlambat dieskalasikan")
        self.assertEqual(Escalation.objects.get().report, self.health_report)

    def test_sla_page(self):
        self.client.force_login(self.road_officer)
        response = self.client.get(reverse("pengaduan:staff_sla"))
        self.assertContains(response, "Dinas Pekerjaan Umum")
        self.assertContains(response, "Dinas Kesehatan")
        self.assertContains(response, "Semua OPD")
        self.assertContains(response, f"SLA {settings.SLA_HOURS} jam")
        response = self.client.get(reverse("pengaduan:staff_sla"), {"start": "2025-02-01", "end": "2025-01-01"})
        self.assertContains(response, "Tanggal akhir tidak boleh sebelum tanggal awal")


class ReportTransferViewTests(TestCase):
    """Laporan jalan berlubang yang salah masuk kategori “Bantuan sosial” dipindahkan ke DPU."""

    @classmethod
    def setUpTestData(cls):
        cls.social = make_agency("Dinas Sosial")
        cls.roads = make_agency("Dinas Pekerjaan Umum")
        cls.category = make_category("Bantuan sosial", agency=cls.social)
        cls.coordinator = make_user("koordinator", is_staff=True)
        cls.social_officer = make_user("petugas-sosial", agency=cls.social)
        cls.road_officer = make_user("petugas-pu", agency=cls.roads)

    def setUp(self):
        self.report = make_report(self.category, description="Jalan berlubang besar di depan pasar, sudah sebulan.")
        self.url = reverse("pengaduan:staff_report_transfer", args=[self.report.ticket_code])
        self.detail_url = reverse("pengaduan:staff_report_detail", args=[self.report.ticket_code])

    def test_officer_of_current_agency_moves_report_and_loses_it(self):
        self.client.force_login(self.social_officer)
        response = self.client.get(self.detail_url)
        self.assertContains(response, "Pindahkan ke OPD lain")
        self.assertContains(response, f'<option value="{self.roads.pk}">Dinas Pekerjaan Umum</option>', html=True)
        response = self.client.post(self.url, {"to_agency": self.roads.pk, "reason": "Jalan berlubang: wewenang DPU."})
        self.assertRedirects(response, reverse("pengaduan:staff_report_list"))
        self.report.refresh_from_db()
        self.assertEqual(self.report.agency, self.roads)
        self.assertEqual(self.client.get(self.detail_url).status_code, 403)

        self.client.force_login(self.road_officer)
        response = self.client.get(self.detail_url)
        self.assertContains(response, "Dipindahkan")
        self.assertContains(response, "Dari <strong>Dinas Sosial</strong> ke <strong>Dinas Pekerjaan Umum</strong>")
        self.assertContains(response, "Jalan berlubang: wewenang DPU.")
        self.assertContains(response, "petugas-sosial")

        response = self.client.get(self.report.get_absolute_url())  # halaman lacak publik
        self.assertContains(response, "Dari <strong>Dinas Sosial</strong> ke <strong>Dinas Pekerjaan Umum</strong>")
        self.assertContains(response, "Jalan berlubang: wewenang DPU.")
        self.assertNotContains(response, "petugas-sosial")

    def test_coordinator_stays_on_the_report(self):
        self.client.force_login(self.coordinator)
        response = self.client.post(self.url, {"to_agency": self.roads.pk, "reason": "Wewenang DPU."})
        self.assertRedirects(response, self.detail_url)
        self.assertEqual(AgencyTransfer.objects.get().transferred_by, self.coordinator)

    def test_officer_of_another_agency_cannot_move_it(self):
        self.client.force_login(self.road_officer)
        response = self.client.post(self.url, {"to_agency": self.roads.pk, "reason": "Saya ambil."})
        self.assertEqual(response.status_code, 403)
        self.client.force_login(make_user("warga"))
        self.assertEqual(self.client.post(self.url, {"to_agency": self.roads.pk, "reason": "x"}).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.post(self.url, {"to_agency": self.roads.pk, "reason": "x"}).status_code, 302)
        self.assertFalse(AgencyTransfer.objects.exists())

    def test_reason_and_valid_agency_required(self):
        self.client.force_login(self.social_officer)
        response = self.client.post(self.url, {"to_agency": self.roads.pk, "reason": " "})
        self.assertContains(response, "Alasan pemindahan wajib diisi.", status_code=400)
        inactive = make_agency("Dinas Lama", is_active=False)
        for agency_id in (inactive.pk, self.social.pk, 999999):
            response = self.client.post(self.url, {"to_agency": agency_id, "reason": "Salah alamat."})
            self.assertEqual(response.status_code, 400)
        self.report.refresh_from_db()
        self.assertEqual(self.report.agency, self.social)
        self.assertFalse(AgencyTransfer.objects.exists())

    def test_closed_report_offers_no_transfer(self):
        services.report_change_status(report=self.report, to_status=Status.REJECTED, reason="Ganda.")
        self.client.force_login(self.social_officer)
        self.assertNotContains(self.client.get(self.detail_url), "Pindahkan ke OPD lain")
        response = self.client.post(self.url, {"to_agency": self.roads.pk, "reason": "Salah alamat."})
        self.assertEqual(response.status_code, 403)

    def test_transfer_requires_post(self):
        self.client.force_login(self.social_officer)
        self.assertEqual(self.client.get(self.url).status_code, 405)


class AdminTests(TestCase):
    def test_every_model_registered_and_changelist_opens(self):
        self.client.force_login(make_user("root", is_staff=True, is_superuser=True))
        make_report(make_category(), hours_ago=500)
        services.reports_escalate_overdue()
        for model in (Agency, Category, Report, StatusChange, AgencyTransfer, Escalation, Officer):
            self.assertTrue(admin.site.is_registered(model), model)
            url = reverse(f"admin:pengaduan_{model._meta.model_name}_changelist")
            self.assertEqual(self.client.get(url).status_code, 200, model)
        report = Report.objects.get()
        url = reverse("admin:pengaduan_report_change", args=[report.pk])
        self.assertContains(self.client.get(url), report.ticket_code)


@override_settings(ALLOW_ANONYMOUS_REPORTS=False)
class NoAnonymousTests(TestCase):
    def test_form_has_no_anonymous_option(self):
        make_category()
        response = self.client.get(reverse("pengaduan:report_create"))
        self.assertNotContains(response, 'name="is_anonymous"')
        self.assertNotContains(response, "tanpa nama")
