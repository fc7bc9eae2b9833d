from io import StringIO

from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import TestCase, override_settings

from pengaduan import services
from pengaduan.models import Agency, Category, Escalation, Report

from .helpers import make_category, make_report


def run(*args, **kwargs):
    out = StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


class SeedRegionCommandTests(TestCase):
    @override_settings(AGENCIES=["Dinas Kesehatan", "Dinas Sosial"])
    def test_seed_is_idempotent(self):
        self.assertIn("OPD baru: 2, kategori baru:", run("seed_region"))
        self.assertIn("OPD baru: 0, kategori baru: 0.", run("seed_region"))
        self.assertEqual(Agency.objects.count(), 2)
        self.assertEqual(Category.objects.count(), len(services.DEFAULT_CATEGORIES))

    def test_demo_flag_adds_sample_reports_once(self):
        self.assertIn(f"Laporan contoh baru: {len(services.DEMO_REPORTS)}.", run("seed_region", "--demo"))
        self.assertIn("Laporan contoh baru: 0.", run("seed_region", "--demo"))
        self.assertEqual(Report.objects.count(), len(services.DEMO_REPORTS))

    @override_settings(AGENCIES=[])
    def test_empty_agency_list_fails_clearly(self):
        with self.assertRaises(CommandError):
            run("seed_region")


@override_settings(ESCALATION_OFFICER="Wali Kota")
class EscalateOverdueCommandTests(TestCase):
    def test_escalates_once(self):
        category = make_category()
        late = make_report(category, hours_ago=services.settings.SLA_HOURS + 30)
        make_report(category)
        output = run("escalate_overdue")
        self.assertIn(late.ticket_code, output)
        self.assertIn("1 laporan dieskalasikan kepada Wali Kota.", output)
        self.assertIn("0 laporan dieskalasikan", run("escalate_overdue"))
        self.assertEqual(Escalation.objects.get().report, late)


class DemoAdminCommandTests(TestCase):
    @override_settings(DEBUG=True)
    def test_creates_superuser_and_prints_credentials_with_a_warning(self):
        err = StringIO()
        output = run("ensure_demo_admin", stderr=err)
        self.assertIn("dibuat", output)
        self.assertIn("admin-demo-2025", output)
        self.assertIn("PERINGATAN", err.getvalue())
        self.assertTrue(get_user_model().objects.get(username="admin").is_superuser)
        self.assertIn("sudah ada", run("ensure_demo_admin", stderr=StringIO()))

    @override_settings(DEBUG=False)
    def test_refused_without_debug(self):
        with self.assertRaisesMessage(CommandError, "DJANGO_DEBUG=1"):
            run("ensure_demo_admin", stderr=StringIO())
        self.assertFalse(get_user_model().objects.filter(username="admin").exists())


class DemoAdminDeployCheckTests(TestCase):
    def deploy_ids(self):
        return {message.id for message in run_checks(include_deployment_checks=True)}

    def create_demo_admin(self):
        with override_settings(DEBUG=True):
            services.demo_admin_ensure()

    @override_settings(DEBUG=False)
    def test_demo_account_fails_deploy_check_when_debug_is_off(self):
        self.assertNotIn("pengaduan.E004", self.deploy_ids())
        self.create_demo_admin()
        self.assertIn("pengaduan.E004", self.deploy_ids())
        self.assertNotIn("pengaduan.E004", {message.id for message in run_checks()})  # hanya --deploy
        with self.assertRaises(SystemCheckError) as ctx:
            call_command("check", "--deploy", stdout=StringIO(), stderr=StringIO())
        self.assertIn("pengaduan.E004", str(ctx.exception))

    @override_settings(DEBUG=True)
    def test_demo_account_allowed_while_debugging(self):
        self.create_demo_admin()
        self.assertNotIn("pengaduan.E004", self.deploy_ids())

    @override_settings(DEBUG=False)
    def test_admin_with_own_password_is_not_the_demo_account(self):
        self.create_demo_admin()
        user = get_user_model().objects.get(username="admin")
        user.set_password("kata-sandi-sendiri-yang-kuat")
        user.save()
        self.assertNotIn("pengaduan.E004", self.deploy_ids())


class RegionChecksTests(TestCase):
    def ids(self):
        return {message.id for message in run_checks()}

    def test_current_configuration_is_clean(self):
        self.assertFalse({i for i in self.ids() if i.startswith("pengaduan.")})

    @override_settings(SLA_HOURS=0, PHOTO_MAX_MB=0, AGENCIES=[])
    def test_bad_numbers_and_empty_agencies_reported(self):
        self.assertTrue({"pengaduan.E001", "pengaduan.E002", "pengaduan.E003"} <= self.ids())

    @override_settings(REGION_CODE="99.99")
    def test_unknown_region_code_warns(self):
        self.assertIn("pengaduan.W001", self.ids())

    @override_settings(PENGADUAN_SMS_GATEWAY="tidak.ada.Gateway")
    def test_unimportable_sms_gateway_is_an_error(self):
        self.assertIn("pengaduan.E005", self.ids())
