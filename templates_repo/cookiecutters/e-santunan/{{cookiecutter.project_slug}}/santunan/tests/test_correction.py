"""Klaim dikembalikan untuk perbaikan: petugas menyebut apa yang kurang, ahli waris memperbaikinya lewat lacak."""
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from santunan import services
from santunan.models import Claim

from .helpers import PNG_BYTES, TempMediaMixin, create_claim, make_nik, pdf_upload

S = Claim.Status
C = Claim.Correction
NOTE = "Akta kematian buram, nomor akta tidak terbaca."


class CorrectionServiceTests(TempMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = get_user_model().objects.create_user("petugas", password="x", is_staff=True)

    def returned(self, item=C.AKTA_KEMATIAN, note=NOTE, claim=None):
        return services.claim_return_for_correction(
            claim=claim or create_claim(), correction_item=item, correction_note=note, user=self.staff
        )

    def test_return_keeps_what_is_missing_and_logs_it(self):
        claim = self.returned()
        self.assertEqual(claim.status, S.PERLU_PERBAIKAN)
        self.assertEqual((claim.correction_item, claim.correction_note), (C.AKTA_KEMATIAN, NOTE))
        last = claim.history.last()
        self.assertEqual((last.from_status, last.to_status, last.changed_by), (S.DIAJUKAN, S.PERLU_PERBAIKAN,
                                                                             self.staff))
        self.assertIn(NOTE, last.note)

    def test_return_needs_an_item_and_a_note(self):
        claim = create_claim()
        for item, note in ((C.REKENING, "  "), ("", NOTE), ("lainnya", NOTE)):
            with self.subTest(item=item, note=note), self.assertRaises(ValidationError):
                services.claim_return_for_correction(claim=claim, correction_item=item, correction_note=note)
        claim.refresh_from_db()
        self.assertEqual(claim.status, S.DIAJUKAN)

    def test_return_possible_from_verified_but_not_after_approval(self):
        claim = self.returned(claim=services.claim_verify(claim=create_claim()))
        self.assertEqual(claim.status, S.PERLU_PERBAIKAN)
        approved = services.claim_approve(claim=services.claim_verify(claim=create_claim()))
        with self.assertRaises(services.InvalidTransition):
            self.returned(claim=approved)

    def test_staff_cannot_skip_the_correction(self):
        claim = self.returned()
        for target in (S.DIAJUKAN, S.DIVERIFIKASI, S.DISETUJUI):
            with self.subTest(target=target), self.assertRaises(services.InvalidTransition):
                services.claim_transition(claim=claim, to_status=target)
        claim = services.claim_reject(claim=claim, rejection_reason="Ahli waris tidak menanggapi.")
        self.assertEqual(claim.status, S.DITOLAK)

    def test_heir_replaces_the_certificate_and_the_claim_is_submitted_again(self):
        claim = self.returned()
        old_path = Path(claim.death_certificate.path)
        self.assertTrue(old_path.exists())
        with self.captureOnCommitCallbacks(execute=True):
            claim = services.claim_correct(
                claim=claim, heir_nik=claim.heir_nik,
                death_certificate=SimpleUploadedFile("akta-baru.png", PNG_BYTES),
            )
        self.assertEqual(claim.status, S.DIAJUKAN)
        self.assertEqual((claim.correction_item, claim.correction_note), ("", ""))
        self.assertTrue(claim.death_certificate.name.endswith(".png"))
        self.assertFalse(old_path.exists())
        last = claim.history.last()
        self.assertEqual((last.from_status, last.to_status, last.changed_by), (S.PERLU_PERBAIKAN, S.DIAJUKAN, None))
        self.assertIn("Akta kematian", last.note)
        # Klaim yang diperbaiki diproses seperti biasa.
        self.assertEqual(services.claim_verify(claim=claim).status, S.DIVERIFIKASI)

    @override_settings(SANTUNAN_REQUIRE_DEATH_CERTIFICATE=False)
    def test_certificate_that_was_to_follow_later_can_be_sent(self):
        claim = create_claim(death_certificate=None)
        self.assertFalse(claim.death_certificate)
        claim = self.returned(claim=claim, note="Akta kematian belum diunggah, mohon dikirim.")
        claim = services.claim_correct(claim=claim, heir_nik=claim.heir_nik, death_certificate=pdf_upload())
        self.assertTrue(claim.death_certificate)

    def test_heir_fixes_the_bank_account_only_when_asked(self):
        claim = self.returned(item=C.REKENING, note="Nomor rekening tidak aktif di bank.")
        claim = services.claim_correct(
            claim=claim, heir_nik=claim.heir_nik, bank_name=" Bank  Jateng ", account_number="9988776655",
            account_holder="Siti  Aminah", death_certificate=pdf_upload("lain.pdf"),
        )
        self.assertEqual((claim.bank_name, claim.account_number, claim.account_holder),
                         ("Bank Jateng", "9988776655", "Siti Aminah"))
        self.assertTrue(claim.death_certificate.name.endswith(".pdf"))
        self.assertNotIn("lain", claim.death_certificate.name)

    def test_wrong_heir_nik_changes_nothing(self):
        claim = self.returned(item=C.REKENING, note="Nomor rekening tidak aktif di bank.")
        with self.assertRaises(ValidationError) as caught:
            services.claim_correct(claim=claim, heir_nik=make_nik(), bank_name="BNI", account_number="1234567",
                                   account_holder="Orang Lain")
        self.assertIn("heir_nik", caught.exception.message_dict)
        claim.refresh_from_db()
        self.assertEqual((claim.status, claim.account_number), (S.PERLU_PERBAIKAN, "0123456789012"))

    def test_invalid_correction_changes_nothing(self):
        claim = self.returned()
        with self.assertRaises(ValidationError):
            services.claim_correct(claim=claim, heir_nik=claim.heir_nik)
        with self.assertRaises(ValidationError):
            services.claim_correct(claim=claim, heir_nik=claim.heir_nik,
                                   death_certificate=SimpleUploadedFile("akta.pdf", b"bukan pdf"))
        claim.refresh_from_db()
        self.assertEqual(claim.status, S.PERLU_PERBAIKAN)

    def test_only_a_returned_claim_can_be_corrected(self):
        claim = create_claim()
        with self.assertRaises(services.InvalidTransition):
            services.claim_correct(claim=claim, heir_nik=claim.heir_nik, death_certificate=pdf_upload())

    def test_returned_claim_still_blocks_a_second_claim(self):
        claim = self.returned()
        with self.assertRaises(ValidationError):
            create_claim(deceased_nik=claim.deceased_nik)


class CorrectionPagesTests(TempMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = get_user_model().objects.create_user("petugas", password="rahasia-123", is_staff=True)

    def setUp(self):
        self.claim = create_claim()

    def staff_return(self, **data):
        self.client.force_login(self.staff)
        response = self.client.post(
            reverse("santunan:staff_claim_action", args=[self.claim.code]),
            {"action": "return", **data},
            follow=True,
        )
        self.client.logout()
        return response

    def test_officer_sees_the_return_form_and_returns_the_claim(self):
        self.client.force_login(self.staff)
        detail = self.client.get(reverse("santunan:staff_claim_detail", args=[self.claim.code]))
        self.assertContains(detail, 'value="return"')
        self.assertContains(detail, "Kembalikan untuk perbaikan")
        response = self.staff_return(correction_item=C.AKTA_KEMATIAN, correction_note=NOTE)
        self.assertContains(response, "sekarang: Perlu perbaikan")
        self.assertContains(response, "Menunggu perbaikan dari ahli waris")
        self.assertContains(response, NOTE)
        self.assertNotContains(response, 'value="verify"')
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, S.PERLU_PERBAIKAN)

    def test_return_without_item_or_note_shows_errors(self):
        self.client.force_login(self.staff)
        response = self.client.post(reverse("santunan:staff_claim_action", args=[self.claim.code]),
                                    {"action": "return", "correction_item": "", "correction_note": "kurang"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Pilih apa yang perlu diperbaiki.", status_code=400)
        self.assertContains(response, "minimal 10 karakter", status_code=400)
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, S.DIAJUKAN)

    def test_list_has_a_tab_for_claims_awaiting_correction(self):
        self.staff_return(correction_item=C.AKTA_KEMATIAN, correction_note=NOTE)
        self.client.force_login(self.staff)
        response = self.client.get(reverse("santunan:staff_claim_list"), {"status": S.PERLU_PERBAIKAN})
        self.assertContains(response, "Perlu perbaikan")
        self.assertContains(response, self.claim.code)

    def test_heir_is_told_what_is_missing_and_sends_it(self):
        self.staff_return(correction_item=C.AKTA_KEMATIAN, correction_note=NOTE)
        track = self.client.get(reverse("santunan:claim_track"), {"kode": self.claim.code})
        self.assertContains(track, "Perlu perbaikan")
        self.assertContains(track, "Akta kematian (unggah ulang)")
        self.assertContains(track, NOTE)
        url = reverse("santunan:claim_correct", args=[self.claim.code])
        self.assertContains(track, url)

        page = self.client.get(url)
        self.assertContains(page, 'enctype="multipart/form-data"')
        self.assertContains(page, 'name="death_certificate"')
        self.assertNotContains(page, 'name="account_number"')

        response = self.client.post(
            url, {"heir_nik": self.claim.heir_nik, "death_certificate": SimpleUploadedFile("a.png", PNG_BYTES)},
            follow=True,
        )
        self.assertEqual(response.redirect_chain,
                         [(reverse("santunan:claim_track") + "?kode=" + self.claim.code, 302)])
        self.assertContains(response, "Perbaikan terkirim")
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, S.DIAJUKAN)
        self.assertTrue(self.claim.death_certificate.name.endswith(".png"))

    def test_bank_account_correction_form(self):
        self.staff_return(correction_item=C.REKENING, correction_note="Nama pemilik rekening tidak sesuai.")
        url = reverse("santunan:claim_correct", args=[self.claim.code.lower()])
        page = self.client.get(url)
        self.assertContains(page, 'name="account_number"')
        self.assertNotContains(page, 'name="death_certificate"')
        response = self.client.post(url, {"heir_nik": self.claim.heir_nik, "bank_name": "BNI",
                                          "account_number": "12-34", "account_holder": "Siti Aminah"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Nomor rekening hanya boleh berisi angka")
        response = self.client.post(url, {"heir_nik": make_nik(), "bank_name": "BNI",
                                          "account_number": "1234567", "account_holder": "Siti Aminah"})
        self.assertContains(response, "NIK ahli waris tidak sama")
        self.claim.refresh_from_db()
        self.assertEqual(self.claim.status, S.PERLU_PERBAIKAN)
        self.client.post(url, {"heir_nik": self.claim.heir_nik, "bank_name": "BNI", "account_number": "1234567",
                               "account_holder": "Siti Aminah"})
        self.claim.refresh_from_db()
        self.assertEqual((self.claim.status, self.claim.account_number), (S.DIAJUKAN, "1234567"))

    def test_correction_page_for_a_claim_not_returned_or_unknown(self):
        url = reverse("santunan:claim_correct", args=[self.claim.code])
        response = self.client.get(url, follow=True)
        self.assertContains(response, "tidak sedang menunggu perbaikan")
        self.assertEqual(self.client.post(url, {"heir_nik": self.claim.heir_nik}).status_code, 302)
        self.assertEqual(self.client.get(reverse("santunan:claim_correct", args=["SK-TIDAKADA"])).status_code, 404)

    def test_home_explains_the_correction_step(self):
        self.assertContains(self.client.get(reverse("santunan:home")), "petugas mengembalikan klaim")
