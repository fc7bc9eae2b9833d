"""Laporan angka layanan bulanan ke Lumbung: angka yang dihitung, isi data yang dikirim, dan pengirimannya
(ke server HTTP lokal di thread, tanpa jaringan)."""

import datetime as dt
import json
import os
import shutil
import socket
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings
from django.utils import timezone

from config import region
from perencanaan import figures, services
from perencanaan.management.commands import report_to_lumbung
from perencanaan.models import ProposalEvent, Status

from .helpers import make_agency, make_proposal, make_user

FORK_ID = "3f2b8c1e-5d4a-4b7e-9c1f-0a2b3c4d5e6f"
KEY = "lrk_uji-kunci-pelaporan"
KEY_NAME = report_to_lumbung.KEY_ENV
Action = ProposalEvent.Action


def local(*args):
    """Waktu setempat (zona waktu proyek)."""
    return dt.datetime(*args, tzinfo=timezone.get_default_timezone())


def step(when, call, **kwargs):
    """Jalankan ``call`` lalu catat riwayat yang dibuatnya pada waktu ``when``."""
    last = ProposalEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    result = call(**kwargs)
    ProposalEvent.objects.filter(pk__gt=last).update(created_at=when)
    return result


def submitted(when, **overrides):
    """Usulan yang dibuat dan diajukan pertama kali pada ``when``."""
    proposal = step(when, make_proposal, **overrides)
    return step(when, services.proposal_submit, proposal=proposal, user=proposal.proposer)


def decide(when, proposal, staff, action, note=""):
    return step(when, services.proposal_decide, proposal=proposal, user=staff, action=action, note=note)


def approved(submitted_at, approved_at, staff, agency, **overrides):
    """Usulan yang lolos tahap-tahap awal saat diajukan, lalu ditetapkan di tahap terakhir pada ``approved_at``."""
    proposal = submitted(submitted_at, **overrides)
    proposal = step(submitted_at, services.proposal_assign_agency, proposal=proposal, user=staff, agency=agency)
    for _ in region.ROUNDS[:-1]:
        proposal = decide(submitted_at, proposal, staff, Action.APPROVE)
    proposal = decide(approved_at, proposal, staff, Action.APPROVE)
    assert proposal.status == Status.APPROVED
    return proposal


def leaves(value, path="payload"):
    """Setiap nilai ujung (bukan dict/list) di ``value`` beserta jalurnya."""
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in leaves(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in leaves(item, f"{path}[{index}]")]
    return [(path, value)]


class MonthlyFiguresTests(TestCase):
    """Maret 2025 (waktu setempat): usulan diajukan dan ditetapkan di dalam dan di luar bulan."""

    @classmethod
    def setUpTestData(cls):
        staff, agency = make_user("bappeda", staff=True), make_agency(ceiling=10**10)
        # Diajukan Februari, ditetapkan Maret.
        approved(local(2025, 2, 20, 9), local(2025, 3, 3, 9), staff, agency, cost_estimate=150_000_000)
        # Diajukan 1 Maret 03.00 waktu setempat (masih Februari menurut UTC), ditetapkan Maret.
        approved(local(2025, 3, 1, 3), local(2025, 3, 20, 9), staff, agency, cost_estimate=200_000_000)
        # Dikembalikan lalu diajukan ulang dalam bulan yang sama: tetap satu usulan masuk.
        returned = submitted(local(2025, 3, 5, 9))
        returned = decide(local(2025, 3, 6, 9), returned, staff, Action.RETURN, note="Lengkapi volume.")
        step(local(2025, 3, 8, 9), services.proposal_submit, proposal=returned, user=returned.proposer)
        # Diajukan Februari, dikembalikan, diajukan ulang Maret: bukan usulan masuk bulan Maret.
        older = submitted(local(2025, 2, 25, 9))
        older = decide(local(2025, 2, 26, 9), older, staff, Action.RETURN, note="Lengkapi volume.")
        step(local(2025, 3, 2, 9), services.proposal_submit, proposal=older, user=older.proposer)
        # Disetujui di tahap awal saja (diteruskan ke tahap berikutnya): belum ditetapkan.
        decide(local(2025, 3, 12, 9), submitted(local(2025, 3, 10, 9)), staff, Action.APPROVE)
        decide(local(2025, 3, 13, 9), submitted(local(2025, 3, 12, 9)), staff, Action.REJECT, note="Bukan kewenangan.")
        # Diajukan Maret, ditetapkan 1 April.
        approved(local(2025, 3, 28, 9), local(2025, 4, 1, 0, 10), staff, agency, cost_estimate=300_000_000)
        step(local(2025, 3, 15, 9), make_proposal)  # draf, belum diajukan
        submitted(local(2025, 3, 31, 23, 30))
        submitted(local(2025, 4, 1))  # April

    def test_figures_of_the_month(self):
        self.assertEqual(
            figures.monthly_figures(year=2025, month=3),
            {"proposals_received": 6, "proposals_approved": 2, "approved_budget": 350_000_000},
        )

    def test_next_month_sees_the_later_approval(self):
        self.assertEqual(
            figures.monthly_figures(year=2025, month=4),
            {"proposals_received": 1, "proposals_approved": 1, "approved_budget": 300_000_000},
        )

    def test_empty_month(self):
        result = figures.monthly_figures(year=2025, month=1)
        self.assertEqual(result, dict.fromkeys(report_to_lumbung.FIGURE_KEYS, 0))

    def test_payload_holds_only_declared_keys_and_numbers(self):
        payload = report_to_lumbung.build_payload(2025, 3)
        self.assertEqual(set(payload), {"month", "figures"})
        self.assertEqual(payload["month"], "2025-03")
        self.assertEqual(list(payload["figures"]), list(report_to_lumbung.FIGURE_KEYS))
        for path, value in leaves(payload["figures"]):
            self.assertNotIsInstance(value, str | bool, path)
            self.assertTrue(value is None or isinstance(value, int | float), path)
        text = json.dumps(payload, ensure_ascii=False)
        for private in ("Pembangunan jalan", "Jalan rusak", "RT 01", "Sukamaju", "bappeda", "Lengkapi volume"):
            self.assertNotIn(private, text)


class MonthTests(TestCase):
    def test_previous_month(self):
        self.assertEqual(report_to_lumbung.previous_month(dt.date(2026, 1, 15)), (2025, 12))
        self.assertEqual(report_to_lumbung.previous_month(dt.date(2026, 3, 1)), (2026, 2))

    def test_month_format(self):
        self.assertEqual(report_to_lumbung.parse_month("2026-07"), (2026, 7))
        for wrong in ("2026-13", "2026-7", "07-2026", "bulan lalu"):
            with self.subTest(wrong), self.assertRaisesMessage(CommandError, "YYYY-MM"):
                report_to_lumbung.parse_month(wrong)


class _Lumbung(BaseHTTPRequestHandler):
    """Lumbung tiruan: mencatat permintaan dan menjawab dengan ``server.answer`` (status, objek JSON)."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.server.requests.append(
            {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)}
        )
        status, answer = self.server.answer
        body = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class ReportToLumbungCommandTests(TestCase):
    def setUp(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Lumbung)
        self.server.requests, self.server.answer = [], (201, {"month": "2025-03"})
        thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        self.addCleanup(thread.join, 5)
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

        self.project = Path(tempfile.mkdtemp(prefix="perencanaan-lumbung-"))
        self.addCleanup(shutil.rmtree, self.project, ignore_errors=True)
        self.write_metadata({"fork_id": FORK_ID, "lumbung_url": self.url, "template": "perencanaan", "version": 3})
        base_dir = override_settings(BASE_DIR=self.project)
        base_dir.enable()
        self.addCleanup(base_dir.disable)
        environment = {KEY_NAME: KEY, "no_proxy": "*", "NO_PROXY": "*"}
        patcher = mock.patch.dict(os.environ, environment)
        patcher.start()
        self.addCleanup(patcher.stop)
        os.environ.pop("LUMBUNG_URL", None)

        staff, agency = make_user(staff=True), make_agency(ceiling=10**10)
        approved(local(2025, 3, 3, 9), local(2025, 3, 20, 9), staff, agency, cost_estimate=250_000_000)

    def write_metadata(self, metadata):
        (self.project / ".lumbung.json").write_text(json.dumps(metadata), encoding="utf-8")

    def run_command(self, *args):
        out, err = StringIO(), StringIO()
        call_command("report_to_lumbung", *args, stdout=out, stderr=err)
        return out.getvalue()

    def test_sends_the_month_with_the_key(self):
        output = self.run_command("--month", "2025-03")
        (request,) = self.server.requests
        self.assertEqual(request["method"], "POST")
        self.assertEqual(request["path"], f"/api/v1/forks/{FORK_ID}/results/")
        self.assertEqual(request["headers"]["Authorization"], f"Bearer {KEY}")
        self.assertEqual(request["headers"]["Content-Type"], "application/json")
        body = json.loads(request["body"])
        self.assertEqual(body, report_to_lumbung.build_payload(2025, 3))
        self.assertEqual(
            body["figures"], {"proposals_received": 1, "proposals_approved": 1, "approved_budget": 250_000_000}
        )
        self.assertIn("Laporan bulan 2025-03 terkirim", output)
        self.assertIn("approved_budget: 250000000", output)

    def test_url_option_and_environment_override_the_metadata(self):
        self.write_metadata({"fork_id": FORK_ID, "lumbung_url": "http://lumbung.tidak-ada.invalid"})
        self.run_command("--month", "2025-03", "--url", self.url + "/")
        with mock.patch.dict(os.environ, {"LUMBUNG_URL": self.url}):
            self.run_command("--month", "2025-03")
        self.assertEqual(len(self.server.requests), 2)

    def test_dry_run_prints_the_payload_and_sends_nothing(self):
        with mock.patch("urllib.request.urlopen") as urlopen:
            output = self.run_command("--month", "2025-03", "--dry-run")
        urlopen.assert_not_called()
        self.assertEqual(self.server.requests, [])
        self.assertEqual(json.loads(output), report_to_lumbung.build_payload(2025, 3))

    def test_default_month_is_the_previous_one(self):
        today = timezone.localdate(timezone=timezone.get_default_timezone())
        year, month = report_to_lumbung.previous_month(today)
        self.run_command()
        self.assertEqual(json.loads(self.server.requests[0]["body"])["month"], f"{year:04d}-{month:02d}")

    def test_a_future_month_is_refused_locally(self):
        with self.assertRaisesMessage(CommandError, "belum terjadi"):
            self.run_command("--month", "2999-01")
        self.assertEqual(self.server.requests, [])

    def test_wrong_or_revoked_key(self):
        self.server.answer = (401, {"detail": "Invalid token."})
        with self.assertRaisesMessage(CommandError, "salah atau sudah dicabut"):
            self.run_command("--month", "2025-03")

    def test_field_errors_are_shown(self):
        self.server.answer = (400, {"figures": {"approved_budget": ["Must be a whole number."]}})
        with self.assertRaises(CommandError) as ctx:
            self.run_command("--month", "2025-03")
        self.assertIn("(400)", str(ctx.exception))
        self.assertIn("figures.approved_budget: Must be a whole number.", str(ctx.exception))

    def test_too_many_requests(self):
        self.server.answer = (429, {"detail": "Request was throttled."})
        with self.assertRaisesMessage(CommandError, "coba lagi nanti"):
            self.run_command("--month", "2025-03")

    def test_without_key(self):
        with mock.patch.dict(os.environ, {KEY_NAME: ""}), self.assertRaisesMessage(CommandError, KEY_NAME):
            self.run_command("--month", "2025-03")
        self.assertEqual(self.server.requests, [])

    def test_without_metadata_or_fork_id(self):
        self.write_metadata({"lumbung_url": self.url})
        with self.assertRaisesMessage(CommandError, "fork_id"):
            self.run_command("--month", "2025-03")
        (self.project / ".lumbung.json").unlink()
        with self.assertRaisesMessage(CommandError, ".lumbung.json tidak ditemukan"):
            self.run_command("--month", "2025-03")
        self.assertEqual(self.server.requests, [])

    def test_unreachable_lumbung(self):
        with socket.socket() as sock:  # port yang baru saja ditutup: tidak ada yang mendengarkan
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        with self.assertRaisesMessage(CommandError, "tidak dapat dihubungi"):
            self.run_command("--month", "2025-03", "--url", f"http://127.0.0.1:{port}")
