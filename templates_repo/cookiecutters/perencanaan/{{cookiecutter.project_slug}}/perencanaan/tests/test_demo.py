"""Akun demo hanya dibuat saat DEBUG aktif, dan ``check --deploy`` gagal bila akun itu ada saat DEBUG mati."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import TestCase, override_settings

from perencanaan import services
from perencanaan.checks import demo_accounts_check

from .helpers import make_village

User = get_user_model()


class SeedDemoTests(TestCase):
    @override_settings(DEBUG=False)
    def test_refuses_without_debug(self):
        with self.assertRaises(CommandError):
            call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
        self.assertFalse(User.objects.exists())

    @override_settings(DEBUG=False)
    def test_has_no_force_switch(self):
        with self.assertRaises(TypeError):
            call_command("seed_demo", force=True, stdout=StringIO(), stderr=StringIO())
        self.assertFalse(User.objects.exists())

    @override_settings(DEBUG=True)
    def test_creates_accounts_with_a_warning(self):
        make_village()
        out, err = StringIO(), StringIO()
        call_command("seed_demo", stdout=out, stderr=err)
        self.assertIn("PERINGATAN", err.getvalue())
        self.assertIn(f"{services.DEMO_ADMIN_USERNAME} / {services.DEMO_ADMIN_PASSWORD}", out.getvalue())
        admin = User.objects.get(username=services.DEMO_ADMIN_USERNAME)
        self.assertTrue(admin.is_staff and admin.check_password(services.DEMO_ADMIN_PASSWORD))
        # Berulang: aman, tidak mengubah kata sandi.
        call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
        self.assertEqual(User.objects.filter(username=services.DEMO_ADMIN_USERNAME).count(), 1)


class DemoAccountDeployCheckTests(TestCase):
    def make_demo_admin(self):
        return User.objects.create_user(
            username=services.DEMO_ADMIN_USERNAME, password=services.DEMO_ADMIN_PASSWORD, is_staff=True
        )

    @override_settings(DEBUG=False)
    def test_error_when_demo_admin_exists_without_debug(self):
        self.make_demo_admin()
        errors = demo_accounts_check(None)
        self.assertEqual([e.id for e in errors], ["perencanaan.E001"])
        self.assertTrue(errors[0].is_serious())
        with self.assertRaises(SystemCheckError):
            call_command("check", deploy=True, stdout=StringIO(), stderr=StringIO())

    @override_settings(DEBUG=False)
    def test_demo_operator_is_an_error_too(self):
        User.objects.create_user(username="operator", password="operator-demo-123")
        self.assertEqual([e.id for e in demo_accounts_check(None)], ["perencanaan.E002"])

    @override_settings(DEBUG=False)
    def test_no_error_without_the_account_or_after_changing_its_password(self):
        self.assertEqual(demo_accounts_check(None), [])
        admin = self.make_demo_admin()
        admin.set_password("kata-sandi-daerah-yang-panjang-2027")
        admin.save()
        self.assertEqual(demo_accounts_check(None), [])

    @override_settings(DEBUG=True)
    def test_no_error_while_debugging(self):
        self.make_demo_admin()
        self.assertEqual(demo_accounts_check(None), [])

    def test_registered_as_deploy_check(self):
        from django.core.checks import registry

        self.assertIn(demo_accounts_check, registry.registry.get_checks(include_deployment_checks=True))
        self.assertNotIn(demo_accounts_check, registry.registry.get_checks(include_deployment_checks=False))
