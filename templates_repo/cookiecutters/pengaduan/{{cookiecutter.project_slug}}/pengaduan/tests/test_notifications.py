from io import StringIO
from unittest import mock

from django.core import mail
from django.db import transaction
from django.test import TestCase, TransactionTestCase, override_settings

from pengaduan import notifications, services
from pengaduan.models import Status, StatusChange

from .helpers import make_category, make_report

#: Pesan yang "terkirim" lewat gateway uji (lihat RecordingGateway dan record_sms).
SENT = []


class RecordingGateway:
    """Gateway uji berbentuk kelas: dibuat tanpa argumen, lalu ``send`` dipanggil."""

    def send(self, *, to, message):
        SENT.append((to, message))


def record_sms(*, to, message):
    """Gateway uji berbentuk fungsi."""
    SENT.append((to, message))


class BrokenGateway:
    def send(self, *, to, message):
        raise ConnectionError("gateway mati")


GATEWAY = "pengaduan.tests.test_notifications.RecordingGateway"


@override_settings(PENGADUAN_SMS_GATEWAY=GATEWAY, PENGADUAN_SITE_URL="https://lapor.contoh.go.id/")
class StatusChangeNotificationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.category = make_category()

    def setUp(self):
        SENT.clear()

    def change(self, report, to_status=Status.VERIFIED, **kwargs):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            report = services.report_change_status(report=report, to_status=to_status, **kwargs)
        return report, callbacks

    def test_phone_and_email_get_one_notice_after_commit(self):
        report = make_report(self.category, reporter_email="budi@contoh.id")
        self.assertEqual((SENT, mail.outbox), ([], []))  # laporan baru bukan perubahan status
        report, callbacks = self.change(report, note="Lokasi sudah dicek petugas.")
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(len(SENT), 1)
        phone, message = SENT[0]
        self.assertEqual(phone, "+6281234567890")
        self.assertIn(report.ticket_code, message)
        self.assertIn("Terverifikasi", message)
        self.assertIn("Lokasi sudah dicek petugas.", message)
        self.assertIn(f"https://lapor.contoh.go.id/lacak/{report.ticket_code}/", message)
        self.assertNotIn("Budi", message)  # tanpa data pribadi
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["budi@contoh.id"])
        self.assertIn(report.ticket_code, mail.outbox[0].subject)
        self.assertIn("Terverifikasi", mail.outbox[0].subject)
        self.assertIsNotNone(report.history.last().notified_at)

    def test_each_status_change_notifies_once(self):
        report = make_report(self.category)
        report, _ = self.change(report)
        report, _ = self.change(report, to_status=Status.REJECTED, reason="Di luar wewenang daerah.")
        self.assertEqual(len(SENT), 2)
        self.assertIn("Ditolak", SENT[1][1])
        self.assertIn("Di luar wewenang daerah.", SENT[1][1])
        # Dipanggil ulang (mis. tugas dijalankan dua kali): tidak ada kiriman kedua.
        self.assertEqual(notifications.status_change_notify(status_change_id=report.history.last().pk), [])
        self.assertEqual(len(SENT), 2)

    @override_settings(ALLOW_ANONYMOUS_REPORTS=True)
    def test_anonymous_reporter_gets_nothing(self):
        report = make_report(self.category, is_anonymous=True, reporter_email="x@contoh.id")
        _, callbacks = self.change(report)
        self.assertEqual((callbacks, SENT, mail.outbox), ([], [], []))

    def test_refused_change_sends_nothing(self):
        report = make_report(self.category)
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            with self.assertRaises(services.ValidationError):
                services.report_change_status(report=report, to_status=Status.RESOLVED)
        self.assertEqual((callbacks, SENT), ([], []))

    @override_settings(PENGADUAN_SMS_GATEWAY="pengaduan.tests.test_notifications.record_sms")
    def test_gateway_may_be_a_function(self):
        self.change(make_report(self.category))
        self.assertEqual(len(SENT), 1)

    @override_settings(PENGADUAN_SMS_GATEWAY="pengaduan.tests.test_notifications.BrokenGateway")
    def test_gateway_failure_is_logged_and_status_still_changes(self):
        report = make_report(self.category, reporter_email="budi@contoh.id")
        with self.assertLogs("pengaduan.notifications", "ERROR") as logs:
            report, _ = self.change(report)
        self.assertIn(report.ticket_code, logs.output[0])
        report.refresh_from_db()
        self.assertEqual(report.status, Status.VERIFIED)
        self.assertEqual(len(mail.outbox), 1)  # e-mail tetap terkirim

    def test_email_failure_is_logged(self):
        report = make_report(self.category, reporter_email="budi@contoh.id")
        with mock.patch("pengaduan.notifications.send_mail", side_effect=OSError("SMTP mati")):
            with self.assertLogs("pengaduan.notifications", "ERROR"):
                report, _ = self.change(report)
        self.assertEqual(report.status, Status.VERIFIED)
        self.assertEqual(len(SENT), 1)


class MessageTests(TestCase):
    @override_settings(PENGADUAN_SITE_URL="")
    def test_without_site_url_the_message_names_the_ticket_to_track(self):
        report = make_report(make_category())
        _, message = notifications.status_change_message(report.history.get())
        self.assertIn(f"menu Lacak dengan kode tiket {report.ticket_code}", message)
        self.assertNotIn("/lacak/", message)


class ConsoleGatewayTests(TestCase):
    def test_default_gateway_writes_to_log_and_stream(self):
        stream = StringIO()
        with self.assertLogs("pengaduan.notifications", "INFO") as logs:
            notifications.ConsoleSmsGateway(stream=stream).send(to="+6281234567890", message="Halo")
        self.assertIn("+6281234567890", stream.getvalue())
        self.assertIn("Halo", logs.output[0])

    def test_default_setting_is_the_console_gateway(self):
        from django.conf import settings

        self.assertEqual(settings.PENGADUAN_SMS_GATEWAY, notifications.DEFAULT_SMS_GATEWAY)
        self.assertIsInstance(notifications.sms_gateway().__self__, notifications.ConsoleSmsGateway)


@override_settings(PENGADUAN_SMS_GATEWAY=GATEWAY)
class AfterCommitTests(TransactionTestCase):
    """Dengan transaksi sungguhan: pesan baru terkirim setelah commit, dan tidak sama sekali bila batal."""

    def setUp(self):
        SENT.clear()
        self.report = make_report(make_category())

    def test_sent_only_after_outer_transaction_commits(self):
        with transaction.atomic():
            services.report_change_status(report=self.report, to_status=Status.VERIFIED)
            self.assertEqual(SENT, [])
        self.assertEqual(len(SENT), 1)

    def test_nothing_sent_when_transaction_rolls_back(self):
        with self.assertRaises(RuntimeError):
            with transaction.atomic():
                services.report_change_status(report=self.report, to_status=Status.VERIFIED)
                raise RuntimeError("batal")
        self.assertEqual(SENT, [])
        self.assertFalse(StatusChange.objects.filter(to_status=Status.VERIFIED).exists())
