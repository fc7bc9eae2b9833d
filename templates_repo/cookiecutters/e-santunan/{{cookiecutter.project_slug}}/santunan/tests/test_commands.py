"""Perintah manajemen: data awal daerah, akun demo, impor register."""
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from santunan.models import Agency, SocialRegisterEntry
from santunan.nik import parse_region_nik

from .helpers import make_nik


class SeedRegionTests(TestCase):
    def test_seed_is_idempotent_and_uses_the_region(self):
        call_command("seed_region", stdout=StringIO())
        agencies, entries = Agency.objects.count(), SocialRegisterEntry.objects.count()
        out = StringIO()
        call_command("seed_region", stdout=out)
        self.assertEqual((Agency.objects.count(), SocialRegisterEntry.objects.count()), (agencies, entries))
        self.assertIn("0 baru", out.getvalue())
        self.assertGreaterEqual(agencies, len(settings.AGENCIES))
        self.assertTrue(Agency.objects.get(name=settings.SANTUNAN_PAYING_AGENCY).is_paying_agency)
        self.assertGreater(entries, 0)
        for entry in SocialRegisterEntry.objects.all():
            parse_region_nik(entry.nik)  # NIK contoh sah dan berada di daerah ini

    def test_without_demo_data(self):
        call_command("seed_region", "--tanpa-demo", stdout=StringIO())
        self.assertTrue(Agency.objects.exists())
        self.assertFalse(SocialRegisterEntry.objects.exists())


class DemoAdminTests(TestCase):
    @override_settings(DEBUG=True)
    def test_creates_a_superuser_and_prints_credentials(self):
        out = StringIO()
        call_command("ensure_demo_admin", stdout=out)
        call_command("ensure_demo_admin", stdout=StringIO())
        user = get_user_model().objects.get(username="admin")
        self.assertTrue(user.is_staff and user.is_superuser)
        self.assertIn("santunan-demo-123", out.getvalue())
        self.assertTrue(user.check_password("santunan-demo-123"))
        self.assertEqual(get_user_model().objects.count(), 1)

    @override_settings(DEBUG=False)
    def test_refuses_without_debug(self):
        with self.assertRaises(CommandError):
            call_command("ensure_demo_admin", stdout=StringIO())
        self.assertFalse(get_user_model().objects.exists())


class ImportRegisterCommandTests(TestCase):
    def write_csv(self, text):
        handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8")
        handle.write(text)
        handle.close()
        self.addCleanup(Path(handle.name).unlink)
        return handle.name

    def test_imports_a_file(self):
        nik = make_nik()
        out = StringIO()
        call_command("import_register", self.write_csv(f"nik,nama,status\n{nik},Sutrisno,aktif\n"), stdout=out)
        self.assertIn("1 baru", out.getvalue())
        self.assertTrue(SocialRegisterEntry.objects.filter(nik=nik).exists())

    def test_reports_errors_and_saves_nothing(self):
        path = self.write_csv(f"nik,nama,status\n{make_nik()},Sutrisno,aktif\n999,Salah,aktif\n")
        err = StringIO()
        with self.assertRaises(CommandError):
            call_command("import_register", path, stdout=StringIO(), stderr=err)
        self.assertIn("Baris 3", err.getvalue())
        self.assertFalse(SocialRegisterEntry.objects.exists())

    def test_missing_file(self):
        with self.assertRaises(CommandError):
            call_command("import_register", "/tidak/ada.csv")


class MigrationsTests(TestCase):
    def test_models_and_migrations_are_in_sync(self):
        try:
            call_command("makemigrations", "santunan", "--check", "--dry-run", stdout=StringIO())
        except SystemExit:  # makemigrations --check keluar dengan kode 1 bila ada perubahan
            self.fail("Model berubah tanpa migrasi: jalankan manage.py makemigrations santunan")
