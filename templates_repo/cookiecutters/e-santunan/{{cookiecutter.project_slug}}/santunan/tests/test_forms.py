"""Formulir: setiap isian salah menghasilkan pesan di field-nya."""
import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.utils import timezone

from santunan.forms import ClaimActionForm, ClaimForm, RegisterImportForm, ReportMonthForm

from .helpers import PDF_BYTES, TempMediaMixin, create_claim, form_post_data, make_nik, other_region_district


def claim_form(files="pdf", **overrides):
    file_data = {"death_certificate": SimpleUploadedFile("akta.pdf", PDF_BYTES)} if files == "pdf" else (files or {})
    return ClaimForm(data=form_post_data(**overrides), files=file_data)


class ClaimFormTests(TempMediaMixin, TestCase):
    def test_valid_form_normalises_values(self):
        nik = make_nik()
        form = claim_form(deceased_nik=f"{nik[:4]}.{nik[4:]}", deceased_name="  Sutrisno  ")
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["deceased_nik"], nik)
        self.assertEqual(form.cleaned_data["deceased_name"], "Sutrisno")
        self.assertNotIn("declaration", form.submission_data())

    def assert_field_error(self, field, form):
        self.assertFalse(form.is_valid())
        self.assertIn(field, form.errors, form.errors)

    def test_nik_errors(self):
        self.assert_field_error("deceased_nik", claim_form(deceased_nik="123"))
        self.assert_field_error("deceased_nik", claim_form(deceased_nik=make_nik(district=other_region_district())))
        self.assert_field_error("heir_nik", claim_form(heir_nik="33250199999"))

    def test_other_region_message_names_this_region(self):
        from django.conf import settings

        form = claim_form(deceased_nik=make_nik(district=other_region_district()))
        form.is_valid()
        self.assertIn(settings.REGION_NAME, form.errors["deceased_nik"][0])

    def test_duplicate_claim_is_a_field_error(self):
        nik = make_nik()
        create_claim(deceased_nik=nik)
        form = claim_form(deceased_nik=nik)
        self.assert_field_error("deceased_nik", form)
        self.assertIn("sudah pernah diajukan", form.errors["deceased_nik"][0])

    def test_date_errors(self):
        tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
        self.assert_field_error("date_of_death", claim_form(date_of_death=tomorrow))
        born = dt.date(2001, 4, 10)
        form = claim_form(deceased_nik=make_nik(birth=born), date_of_death="2001-04-09")
        self.assert_field_error("date_of_death", form)
        self.assertIn("10-04-2001", form.errors["date_of_death"][0])
        self.assert_field_error("date_of_death", claim_form(date_of_death="kemarin"))

    def test_heir_cannot_be_the_deceased(self):
        nik = make_nik()
        self.assert_field_error("heir_nik", claim_form(deceased_nik=nik, heir_nik=nik))

    def test_account_and_name_errors(self):
        for bad in ("12 34 56 78", "1234-5678", "12345", "A1234567"):
            with self.subTest(account=bad):
                self.assert_field_error("account_number", claim_form(account_number=bad))
        self.assert_field_error("heir_name", claim_form(heir_name="Siti 123"))
        self.assert_field_error("account_holder", claim_form(account_holder="..."))
        self.assert_field_error("heir_relationship", claim_form(heir_relationship="tetangga"))
        self.assert_field_error("heir_relationship", claim_form(heir_relationship=""))
        self.assert_field_error("bank_name", claim_form(bank_name=""))

    def test_declaration_is_required(self):
        data = form_post_data()
        data.pop("declaration")
        form = ClaimForm(data=data, files={"death_certificate": SimpleUploadedFile("akta.pdf", PDF_BYTES)})
        self.assert_field_error("declaration", form)

    def test_certificate_content_is_checked(self):
        form = claim_form(files={"death_certificate": SimpleUploadedFile("akta.pdf", b"<?php echo 1; ?>")})
        self.assert_field_error("death_certificate", form)

    @override_settings(SANTUNAN_REQUIRE_DEATH_CERTIFICATE=True)
    def test_certificate_required_when_configured(self):
        self.assert_field_error("death_certificate", claim_form(files=None))

    @override_settings(SANTUNAN_REQUIRE_DEATH_CERTIFICATE=False)
    def test_certificate_optional_when_configured(self):
        form = claim_form(files=None)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertIn("Boleh menyusul", form.fields["death_certificate"].help_text)

    @override_settings(SANTUNAN_MAX_UPLOAD_MB=7)
    def test_help_text_shows_the_configured_size(self):
        self.assertIn("7 MB", ClaimForm().fields["death_certificate"].help_text)


class OtherFormTests(TestCase):
    def test_action_form_rules(self):
        self.assertTrue(ClaimActionForm({"action": "verify"}).is_valid())
        self.assertFalse(ClaimActionForm({"action": "hapus"}).is_valid())
        self.assertIn("rejection_reason", ClaimActionForm({"action": "reject", "rejection_reason": "singkat"}).errors)
        self.assertTrue(ClaimActionForm({"action": "reject", "rejection_reason": "Akta tidak terbaca."}).is_valid())
        self.assertIn("payment_reference", ClaimActionForm({"action": "pay"}).errors)

    def test_register_import_form_needs_a_csv(self):
        self.assertTrue(RegisterImportForm(files={"file": SimpleUploadedFile("r.csv", b"nik,nama,status\n")}).is_valid())
        self.assertFalse(RegisterImportForm(files={"file": SimpleUploadedFile("r.xlsx", b"PK\x03\x04")}).is_valid())
        self.assertFalse(RegisterImportForm(files={}).is_valid())

    def test_report_month_form(self):
        form = ReportMonthForm({"bulan": "2025-02"})
        self.assertTrue(form.is_valid())
        self.assertEqual(form.cleaned_data["bulan"], (2025, 2))
        today = timezone.localdate()
        empty = ReportMonthForm({})
        self.assertTrue(empty.is_valid())
        self.assertEqual(empty.cleaned_data["bulan"], (today.year, today.month))
        for bad in ("2025-13", "Maret", "1999-01"):
            with self.subTest(bad=bad):
                self.assertFalse(ReportMonthForm({"bulan": bad}).is_valid())
