"""Perintah manajemen: data awal daerah, akun demo (dan pemeriksaan --deploy-nya), impor register, Makefile."""
import os
import shutil
import subprocess
import tempfile
from io import StringIO
from pathlib import Path
from unittest import skipUnless

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.test import TestCase, override_settings

from santunan.checks import DEMO_ADMIN_ID, check_no_demo_admin_in_production
from santunan.management.commands.ensure_demo_admin import DEMO_PASSWORD, DEMO_USERNAME
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
        out, err = StringIO(), StringIO()
        call_command("ensure_demo_admin", stdout=out, stderr=err)
        call_command("ensure_demo_admin", stdout=StringIO(), stderr=StringIO())
        self.assertIn("PERINGATAN", err.getvalue())
        self.assertIn("check --deploy", err.getvalue())
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


class DemoAdminDeployCheckTests(TestCase):
    """manage.py check --deploy gagal selama akun demo (dengan kata sandi demo) ada dan DEBUG mati."""

    def make_demo_admin(self):
        with override_settings(DEBUG=True):
            call_command("ensure_demo_admin", stdout=StringIO(), stderr=StringIO())

    def deploy_check(self):
        call_command("check", "--deploy", stdout=StringIO(), stderr=StringIO())

    @override_settings(DEBUG=False)
    def test_deploy_check_fails_while_the_demo_account_exists(self):
        self.make_demo_admin()
        errors = check_no_demo_admin_in_production()
        self.assertEqual([e.id for e in errors], [DEMO_ADMIN_ID])
        with self.assertRaises(SystemCheckError) as caught:
            self.deploy_check()
        self.assertIn(DEMO_ADMIN_ID, str(caught.exception))
        # Pemeriksaan biasa (tanpa --deploy) tidak terganggu.
        call_command("check", stdout=StringIO(), stderr=StringIO())

    @override_settings(DEBUG=False)
    def test_deploy_check_passes_without_it_or_once_its_password_is_changed(self):
        self.deploy_check()
        self.make_demo_admin()
        user = get_user_model().objects.get(username=DEMO_USERNAME)
        user.set_password("kata-sandi-baru-yang-panjang-" + DEMO_PASSWORD[::-1])
        user.save()
        self.assertEqual(check_no_demo_admin_in_production(), [])
        self.deploy_check()
        user.delete()
        self.deploy_check()

    @override_settings(DEBUG=True)
    def test_not_an_error_while_developing(self):
        self.make_demo_admin()
        self.assertEqual(check_no_demo_admin_in_production(), [])


@skipUnless(shutil.which("make"), "make tidak terpasang")
class MakefileTests(TestCase):
    """`make run` hanya mengisi data contoh dan akun demo bila diminta (DEMO=1)."""

    def dry_run(self, *args, demo=None):
        # Tanpa variabel make dari luar (mis. saat tes ini berjalan di dalam `make test`).
        ignored = {"DEMO", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHON", "ARGS"}
        env = {key: value for key, value in os.environ.items() if key not in ignored}
        if demo is not None:
            env["DEMO"] = demo
        completed = subprocess.run(
            ["make", "-n", *args, "VENV=/tidak/ada/venv"], cwd=settings.BASE_DIR, env=env,
            capture_output=True, text=True, timeout=30,
        )
        self.assertEqual(completed.returncode, 0, completed.stderr)
        return completed.stdout

    def test_run_without_demo_loads_no_demo_data(self):
        commands = self.dry_run("run")
        self.assertIn("seed_region --tanpa-demo", commands)
        self.assertNotIn("ensure_demo_admin", commands)
        self.assertIn("runserver", commands)
        self.assertNotIn("ensure_demo_admin", self.dry_run("run", demo="0"))

    def test_run_with_demo(self):
        commands = self.dry_run("run", demo="1")
        self.assertIn("ensure_demo_admin", commands)
        self.assertRegex(commands, r"seed_region\n")
        self.assertIn("runserver", commands)

    def test_lumbung_update_target(self):
        commands = self.dry_run("lumbung-update", "ARGS=--dry-run")
        self.assertIn("python3 lumbung_update.py --dry-run", commands)
        self.assertNotIn("manage.py", commands)


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
