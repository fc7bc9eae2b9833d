import io
import os
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from PIL import Image

from pengaduan.forms import AgencyTransferForm, DateRangeForm, ReportForm, StatusChangeForm, TrackForm, area_choices
from pengaduan.models import Status

from .helpers import VALID_DESCRIPTION, first_area_code, image_upload, make_agency, make_category, make_report


class ReportFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.category = make_category()
        cls.inactive = make_category("Tidak aktif", agency=cls.category.agency, is_active=False)

    def data(self, **overrides):
        data = {
            "category": self.category.pk,
            "location": "Jl. Merdeka No. 1",
            "description": VALID_DESCRIPTION,
            "reporter_name": "Budi",
            "reporter_phone": "081234567890",
        }
        if first_area_code():
            data["area"] = first_area_code()
        data.update(overrides)
        return data

    def test_valid_form_builds_service_arguments(self):
        form = ReportForm(self.data())
        self.assertTrue(form.is_valid(), form.errors)
        kwargs = form.service_kwargs()
        self.assertEqual(kwargs["category"], self.category)
        self.assertEqual(kwargs["reporter_phone"], "+6281234567890")
        self.assertEqual(kwargs["channel"], "web")
        self.assertEqual(kwargs["area_code"], first_area_code())

    def test_optional_email_is_passed_on_and_checked(self):
        form = ReportForm(self.data(reporter_email="budi@contoh.id"))
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.service_kwargs()["reporter_email"], "budi@contoh.id")
        form = ReportForm(self.data())
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.service_kwargs()["reporter_email"], "")
        form = ReportForm(self.data(reporter_email="bukan-email"))
        self.assertFalse(form.is_valid())
        self.assertIn("reporter_email", form.errors)

    def test_required_fields_and_lengths(self):
        form = ReportForm({"description": "pendek", "location": "ab"})
        self.assertFalse(form.is_valid())
        for field in ("category", "location", "description"):
            self.assertIn(field, form.errors)

    def test_inactive_category_not_offered(self):
        form = ReportForm(self.data(category=self.inactive.pk))
        self.assertFalse(form.is_valid())
        self.assertIn("category", form.errors)
        self.assertNotIn(self.inactive, ReportForm().fields["category"].queryset)

    def test_invalid_phone_shows_field_error(self):
        form = ReportForm(self.data(reporter_phone="12345"))
        self.assertFalse(form.is_valid())
        self.assertIn("reporter_phone", form.errors)

    @override_settings(ALLOW_ANONYMOUS_REPORTS=True)
    def test_anonymous_allowed(self):
        form = ReportForm(self.data(is_anonymous="on", reporter_name="", reporter_phone=""))
        self.assertTrue(form.is_valid(), form.errors)
        form = ReportForm(self.data(reporter_name="", reporter_phone=""))
        self.assertFalse(form.is_valid())
        self.assertEqual(set(form.errors), {"reporter_name", "reporter_phone"})

    @override_settings(ALLOW_ANONYMOUS_REPORTS=False)
    def test_anonymous_not_allowed(self):
        form = ReportForm(self.data(is_anonymous="on", reporter_name="", reporter_phone=""))
        self.assertNotIn("is_anonymous", form.fields)
        self.assertFalse(form.is_valid())
        self.assertEqual(set(form.errors), {"reporter_name", "reporter_phone"})

    def test_channel_only_for_staff(self):
        self.assertNotIn("channel", ReportForm().fields)
        form = ReportForm(self.data(channel="whatsapp"), staff=True)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.service_kwargs()["channel"], "whatsapp")
        form = ReportForm(self.data(channel="merpati"), staff=True)
        self.assertIn("channel", form.errors)

    def test_real_image_accepted(self):
        form = ReportForm(self.data(), {"photo": image_upload("foto.jpg", "JPEG")})
        self.assertTrue(form.is_valid(), form.errors)

    def test_fake_image_rejected(self):
        fake = SimpleUploadedFile("foto.jpg", b"bukan gambar, hanya teks", content_type="image/jpeg")
        form = ReportForm(self.data(), {"photo": fake})
        self.assertFalse(form.is_valid())
        self.assertIn("photo", form.errors)

    def test_other_image_format_rejected(self):
        form = ReportForm(self.data(), {"photo": image_upload("animasi.gif", "GIF")})
        self.assertFalse(form.is_valid())
        self.assertIn("JPEG, PNG, atau WEBP", str(form.errors["photo"]))

    @override_settings(PHOTO_MAX_MB=1)
    def test_photo_over_limit_rejected(self):
        buffer = io.BytesIO()
        Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3)).save(buffer, "PNG")  # derau: tak termampatkan
        upload = SimpleUploadedFile("besar.png", buffer.getvalue(), content_type="image/png")
        self.assertGreater(upload.size, 1024 * 1024)
        form = ReportForm(self.data(), {"photo": upload})
        self.assertFalse(form.is_valid())
        self.assertIn("maksimal 1 MB", str(form.errors["photo"]))

    @override_settings(REGION_CODE="64.74")
    def test_area_choices_follow_region_code(self):
        form = ReportForm()
        self.assertEqual(form.fields["area"].label, "Kecamatan")
        self.assertIn("Bontang Utara", [name for _, name in form.fields["area"].choices])
        form = ReportForm(self.data(area="33.74.01"))  # kecamatan daerah lain
        self.assertIn("area", form.errors)

    @override_settings(REGION_CODE="33")
    def test_province_lists_regencies(self):
        form = ReportForm()
        self.assertEqual(form.fields["area"].label, "Kabupaten/Kota")
        self.assertIn("Kota Semarang", dict(area_choices("33")).values())

    @override_settings(REGION_CODE="99.99")
    def test_unknown_region_code_hides_area(self):
        self.assertNotIn("area", ReportForm().fields)


class StatusChangeFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.report = make_report(make_category())

    def test_only_valid_next_statuses_offered(self):
        form = StatusChangeForm(report=self.report)
        self.assertEqual([v for v, _ in form.fields["to_status"].choices], ["terverifikasi", "ditolak"])
        form = StatusChangeForm({"to_status": Status.RESOLVED}, report=self.report)
        self.assertIn("to_status", form.errors)

    def test_rejection_requires_reason(self):
        form = StatusChangeForm({"to_status": Status.REJECTED, "reason": " "}, report=self.report)
        self.assertFalse(form.is_valid())
        self.assertIn("reason", form.errors)
        form = StatusChangeForm({"to_status": Status.REJECTED, "reason": "Ganda"}, report=self.report)
        self.assertTrue(form.is_valid())


class AgencyTransferFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.social = make_agency("Dinas Sosial")
        cls.roads = make_agency("Dinas Pekerjaan Umum")
        cls.inactive = make_agency("Dinas Lama", is_active=False)
        cls.report = make_report(make_category("Bantuan sosial", agency=cls.social))

    def test_offers_only_other_active_agencies(self):
        form = AgencyTransferForm(report=self.report)
        self.assertEqual(list(form.fields["to_agency"].queryset), [self.roads])

    def test_reason_required(self):
        form = AgencyTransferForm({"to_agency": self.roads.pk, "reason": "   "}, report=self.report)
        self.assertFalse(form.is_valid())
        self.assertEqual(form.errors["reason"], ["Alasan pemindahan wajib diisi."])
        form = AgencyTransferForm({"to_agency": self.social.pk, "reason": "Salah alamat."}, report=self.report)
        self.assertIn("to_agency", form.errors)


class SmallFormTests(TestCase):
    def test_track_form_normalizes_code(self):
        form = TrackForm({"code": "lpr-7k3m 9q2x"})
        self.assertTrue(form.is_valid())
        self.assertEqual(form.cleaned_data["code"], "LPR-7K3M9Q2X")
        self.assertFalse(TrackForm({"code": "halo"}).is_valid())

    def test_date_range_order(self):
        form = DateRangeForm({"start": "2025-02-01", "end": "2025-01-01"})
        self.assertFalse(form.is_valid())
        self.assertIn("end", form.errors)
        form = DateRangeForm({"start": "2025-01-01", "end": "2025-02-01"})
        self.assertTrue(form.is_valid())
        self.assertEqual(form.cleaned_data["start"], date(2025, 1, 1))
