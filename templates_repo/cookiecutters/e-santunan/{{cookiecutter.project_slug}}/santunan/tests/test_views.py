"""Halaman: kode status, isi, dan hak akses petugas."""
import csv
import datetime as dt
import io

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from santunan import services
from santunan.formatting import rupiah
from santunan.models import Claim, SocialRegisterEntry

from .helpers import PDF_BYTES, TempMediaMixin, create_claim, form_post_data, make_nik, other_region_district

S = Claim.Status


class PublicPagesTests(TempMediaMixin, TestCase):
    def test_home(self):
        response = self.client.get(reverse("santunan:home"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Ajukan santunan")
        self.assertContains(response, settings.SANTUNAN_PAYING_AGENCY)
        self.assertContains(response, f"maksimal {settings.SANTUNAN_MAX_UPLOAD_MB} MB")
        self.assertContains(response, 'lang="id"')

    def test_claim_form_page(self):
        response = self.client.get(reverse("santunan:claim_create"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, "NIK almarhum/almarhumah")
        self.assertContains(response, rupiah(settings.SANTUNAN_BENEFIT_AMOUNT))

    def post_claim(self, certificate=PDF_BYTES, follow=False, **overrides):
        data = form_post_data(**overrides)
        if certificate is not None:
            data["death_certificate"] = SimpleUploadedFile("akta.pdf", certificate)
        return self.client.post(reverse("santunan:claim_create"), data, follow=follow)

    def test_submit_claim_redirects_to_tracking_with_code(self):
        page = self.post_claim(follow=True)
        claim = Claim.objects.get()
        self.assertEqual(page.redirect_chain, [(reverse("santunan:claim_track") + "?kode=" + claim.code, 302)])
        self.assertContains(page, claim.code)
        self.assertContains(page, "Diajukan")
        self.assertContains(page, "Klaim berhasil diajukan")
        self.assertEqual(claim.amount, settings.SANTUNAN_BENEFIT_AMOUNT)

    def test_invalid_submission_shows_field_errors_and_saves_nothing(self):
        response = self.post_claim(certificate=b"not a pdf", deceased_nik="123", account_number="12-34")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Periksa kembali isian")
        self.assertContains(response, "NIK harus terdiri dari 16 digit angka.")
        self.assertContains(response, "Nomor rekening hanya boleh berisi angka")
        self.assertContains(response, "bukan PDF, JPG, atau PNG")
        self.assertContains(response, 'class="field has-error"')
        self.assertFalse(Claim.objects.exists())

    def test_nik_from_another_region_is_refused(self):
        response = self.post_claim(deceased_nik=make_nik(district=other_region_district()))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f"Santunan hanya untuk penduduk {settings.REGION_NAME}")
        self.assertFalse(Claim.objects.exists())

    def test_second_claim_for_same_deceased(self):
        nik = make_nik()
        self.post_claim(deceased_nik=nik)
        response = self.post_claim(deceased_nik=nik)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "sudah pernah diajukan")
        self.assertEqual(Claim.objects.count(), 1)

    def test_track_shows_status_history_reason_and_masks_the_account(self):
        claim = services.claim_reject(claim=create_claim(), rejection_reason="Akta kematian tidak terbaca.")
        response = self.client.get(reverse("santunan:claim_track"), {"kode": claim.code.lower()})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Ditolak")
        self.assertContains(response, "Akta kematian tidak terbaca.")
        self.assertContains(response, "*********9012")
        self.assertNotContains(response, claim.account_number)
        self.assertNotContains(response, claim.deceased_nik)
        self.assertEqual(len(response.context["history"]), 2)

    def test_track_unknown_code(self):
        response = self.client.get(reverse("santunan:claim_track"), {"kode": "SK-XXXXXXXX"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Kode klaim tidak ditemukan")
        self.assertIsNone(response.context["claim"])
        self.assertEqual(self.client.get(reverse("santunan:claim_track")).status_code, 200)

    def test_login_page(self):
        response = self.client.get(reverse("login"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Masuk petugas")


class StaffAccessTests(TempMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        User = get_user_model()
        cls.staff = User.objects.create_user("petugas", password="rahasia-123", is_staff=True)
        cls.citizen = User.objects.create_user("warga", password="rahasia-123")

    def setUp(self):
        self.claim = create_claim()

    def staff_urls(self):
        code = self.claim.code
        return [
            reverse("santunan:staff_claim_list"),
            reverse("santunan:staff_claim_detail", args=[code]),
            reverse("santunan:staff_claim_certificate", args=[code]),
            reverse("santunan:staff_register_import"),
            reverse("santunan:staff_report"),
            reverse("santunan:staff_report_csv"),
        ]

    def test_anonymous_is_sent_to_login(self):
        for url in self.staff_urls():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response.url.startswith(reverse("login")))

    def test_non_staff_gets_403(self):
        self.client.force_login(self.citizen)
        for url in self.staff_urls():
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)
        response = self.client.post(reverse("santunan:staff_claim_action", args=[self.claim.code]),
                                    {"action": "verify"})
        self.assertEqual(response.status_code, 403)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, S.DIAJUKAN)

    def test_staff_can_open_every_page(self):
        self.client.force_login(self.staff)
        for url in self.staff_urls():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                response.close()  # the certificate is a streamed file

    def test_admin_requires_staff(self):
        self.assertEqual(self.client.get("/admin/").status_code, 302)
        admin = get_user_model().objects.create_superuser("root", password="rahasia-123")
        self.client.force_login(admin)
        for url in ("/admin/", "/admin/santunan/claim/", f"/admin/santunan/claim/{self.claim.pk}/change/",
                    "/admin/santunan/socialregisterentry/", "/admin/santunan/agency/",
                    "/admin/santunan/claimstatuschange/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)


class StaffWorkflowTests(TempMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = get_user_model().objects.create_user("petugas", password="rahasia-123", is_staff=True)

    def setUp(self):
        self.client.force_login(self.staff)
        self.claim = create_claim(deceased_name="Sutrisno")

    def act(self, **data):
        return self.client.post(reverse("santunan:staff_claim_action", args=[self.claim.code]), data, follow=True)

    def test_list_filters_and_search(self):
        other = create_claim(deceased_name="Bambang Wijaya")
        services.claim_verify(claim=other)
        url = reverse("santunan:staff_claim_list")
        response = self.client.get(url)
        self.assertContains(response, self.claim.code)
        self.assertContains(response, other.code)
        response = self.client.get(url, {"status": S.DIVERIFIKASI})
        self.assertNotContains(response, self.claim.code)
        self.assertContains(response, other.code)
        response = self.client.get(url, {"q": "bambang"})
        self.assertNotContains(response, self.claim.code)
        self.assertContains(response, other.code)

    def test_detail_shows_claim_register_check_and_actions(self):
        response = self.client.get(reverse("santunan:staff_claim_detail", args=[self.claim.code]))
        self.assertContains(response, self.claim.deceased_nik)
        self.assertContains(response, self.claim.account_number)
        self.assertContains(response, "Tidak ada di register")
        self.assertContains(response, 'value="verify"')
        self.assertContains(response, 'value="reject"')
        self.assertNotContains(response, 'value="pay"')

    def test_full_workflow_through_the_pages(self):
        self.assertContains(self.act(action="verify", note="Berkas lengkap"), "Diverifikasi")
        self.act(action="approve")
        response = self.act(action="pay", payment_reference="TRF-2025-001")
        self.assertContains(response, "sekarang: Dibayar")
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, S.DIBAYAR)
        self.assertEqual(self.claim.history.count(), 4)
        self.assertEqual(self.claim.history.last().changed_by, self.staff)
        self.assertNotContains(response, 'value="reject"')

    def test_invalid_transition_is_refused_with_a_message(self):
        response = self.act(action="pay", payment_reference="TRF-1")
        self.assertContains(response, "tidak dapat diubah")
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, S.DIAJUKAN)

    def test_reject_without_reason_shows_error(self):
        response = self.client.post(reverse("santunan:staff_claim_action", args=[self.claim.code]),
                                    {"action": "reject", "rejection_reason": ""})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "minimal 10 karakter", status_code=400)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, S.DIAJUKAN)

    def test_recheck_register(self):
        SocialRegisterEntry.objects.create(nik=self.claim.deceased_nik, name="Sutrisno", status="meninggal")
        response = self.act(action="recheck")
        self.assertContains(response, "Terdaftar, nama cocok")
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.register_check, Claim.RegisterCheck.COCOK)

    def test_certificate_download(self):
        response = self.client.get(reverse("santunan:staff_claim_certificate", args=[self.claim.code]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), PDF_BYTES)
        self.assertIn("attachment", response["Content-Disposition"])
        response.close()
        self.assertEqual(self.client.get(reverse("santunan:staff_claim_certificate", args=["SK-TIDAKADA"])).status_code,
                         404)

    def test_register_import_page(self):
        url = reverse("santunan:staff_register_import")
        nik = make_nik()
        good = SimpleUploadedFile("register.csv", f"nik,nama,status\n{nik},Sutrisno,aktif\n".encode())
        response = self.client.post(url, {"file": good}, follow=True)
        self.assertContains(response, "1 baru")
        self.assertTrue(SocialRegisterEntry.objects.filter(nik=nik).exists())
        bad = SimpleUploadedFile("register.csv", f"nik,nama,status\n{make_nik()},Budi,aktif\n123,X,aktif\n".encode())
        response = self.client.post(url, {"file": bad})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Impor dibatalkan")
        self.assertEqual(SocialRegisterEntry.objects.count(), 1)

    def pay(self, claim):
        claim = services.claim_approve(claim=services.claim_verify(claim=claim))
        return services.claim_pay(claim=claim, payment_reference="=TRF-" + claim.code)

    def test_monthly_report_page_and_csv(self):
        first = self.pay(self.claim)
        second = self.pay(create_claim(deceased_name="Bambang"))
        old = self.pay(create_claim())
        Claim.objects.filter(pk=old.pk).update(paid_at=timezone.now() - dt.timedelta(days=70))
        month = timezone.localtime(first.paid_at).strftime("%Y-%m")
        total = first.amount + second.amount

        response = self.client.get(reverse("santunan:staff_report"), {"bulan": month})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["report"].count, 2)
        self.assertContains(response, rupiah(total))
        self.assertContains(response, first.code)
        self.assertNotContains(response, old.code)

        response = self.client.get(reverse("santunan:staff_report_csv"), {"bulan": month})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn(f"santunan-dibayar-{month}.csv", response["Content-Disposition"])
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][0], "kode")
        self.assertEqual({row[0] for row in rows[1:-1]}, {first.code, second.code})
        self.assertEqual(rows[-1][0], "TOTAL")
        self.assertEqual(rows[-1][9], str(total))
        self.assertTrue(all(row[11].startswith("'=") for row in rows[1:-1]), "formula injection guarded")

    def test_report_rejects_a_bad_month(self):
        response = self.client.get(reverse("santunan:staff_report"), {"bulan": "2025-13"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "TTTT-BB", status_code=400)
        self.assertEqual(self.client.get(reverse("santunan:staff_report_csv"), {"bulan": "x"}).status_code, 400)
