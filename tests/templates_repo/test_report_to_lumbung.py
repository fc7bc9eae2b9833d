"""End to end: Batang's copy of the complaint app, rendered by Lumbung, passes its own tests; reports
filed in the copy (some resolved within the SLA, some late, one still open, over two channels) become
the month's figures that its `manage.py report_to_lumbung` sends to a running Lumbung with the copy's
reporting key; Lumbung's API and the app's page show them. Sending the month again replaces it."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from templates_repo import services
from templates_repo.models import Fork, ServiceReport
from tests import factories
from tests.conftest import member_of
from tests.templates_repo.test_cookiecutters import run_generated_tests

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.generated]

BATANG = "33.25"

# Filed in the copy in October 2026 (Asia/Jakarta), SLA 72 hours: received, then closed after the hours
# given (None: still open), over the channel given.
REPORTS = [(10, "web"), (30, "web"), (100, "whatsapp"), (None, "web")]
FILE_REPORTS = """
import datetime
from zoneinfo import ZoneInfo
from pengaduan import services
from pengaduan.models import Agency, Category, Status
reports = json.loads(os.environ["REPORTS_JSON"])
agency, _ = Agency.objects.get_or_create(name="Dinas Pekerjaan Umum Uji")
category, _ = Category.objects.get_or_create(name="Jalan rusak uji", agency=agency)
start = datetime.datetime(2026, 10, 6, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
for index, (hours, channel) in enumerate(reports):
    submitted = start + datetime.timedelta(days=index)
    report = services.report_submit(
        category=category, location="Jl. Merdeka No. 1", channel=channel, reporter_name="Warga Uji",
        reporter_phone="0812-0000-0000", reporter_email="warga@example.test",
        description="Jalan berlubang di depan sekolah dasar, membahayakan anak-anak.", now=submitted,
    )
    if hours is not None:
        for step, status in enumerate((Status.VERIFIED, Status.IN_PROGRESS, Status.RESOLVED), start=1):
            when = submitted + datetime.timedelta(hours=hours * step / 3)
            services.report_change_status(report=report, to_status=status, now=when, notify=False)
"""


def copy_env(tmp_path: Path, **extra) -> dict:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        **extra,
    }


def manage(root: Path, tmp_path: Path, *args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=root, env=copy_env(tmp_path, **env),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture
def batang_copy(regions, media_root, tmp_path):
    """Batang's copy of the newest complaint template, made by the fork pipeline and unzipped."""
    factories.AppFactory(slug="program-pelaporan-kota-semarang", name="Program pelaporan Kota Semarang")
    services.template_sync()
    developer = member_of(BATANG, "developer", "dev-batang")
    fork, _ = services.fork_request(user=developer, template_slug="pengaduan", region_code=BATANG, context={})
    assert services.fork_run(fork_id=fork.pk) == "succeeded"
    fork = Fork.objects.select_related("version").get(pk=fork.pk)
    assert fork.version.figures, "the newest complaint template declares the figures its copies report"
    with zipfile.ZipFile(fork.archive.path) as archive:
        archive.extractall(tmp_path / "salinan")
    (root,) = (tmp_path / "salinan").iterdir()
    return fork, root, developer


def test_a_copy_reports_its_month_to_a_running_lumbung(live_server, client, batang_copy, tmp_path):
    fork, root, developer = batang_copy
    run_generated_tests(root, tmp_path)  # the copy's own suite passes as rendered

    assert manage(root, tmp_path, "migrate", "--noinput").returncode == 0
    script = "import json, os\n" + FILE_REPORTS
    filed = manage(root, tmp_path, "shell", "-c", script, REPORTS_JSON=json.dumps(REPORTS))
    assert filed.returncode == 0, filed.stdout + filed.stderr

    dry = manage(root, tmp_path, "report_to_lumbung", "--month", "2026-10", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    payload = json.loads(dry.stdout)
    leaves = list(payload["figures"].values())
    assert all(value is None or type(value) in (int, float) for value in leaves)  # numbers and keys only
    assert "Warga" not in dry.stdout and "0812" not in dry.stdout and "Merdeka" not in dry.stdout
    assert not ServiceReport.objects.exists()

    key, raw = services.reporting_key_create(user=developer, fork=fork)
    sent = manage(root, tmp_path, "report_to_lumbung", "--month", "2026-10", "--url", live_server.url,
                  LUMBUNG_REPORTING_KEY=raw)  # fmt: skip
    assert sent.returncode == 0, sent.stdout + sent.stderr

    report = ServiceReport.objects.get(fork=fork)
    figures = report.figures
    assert report.month.isoformat() == "2026-10-01" and report.key == key
    assert figures["reports_received"] == 4 and figures["reports_resolved"] == 3
    assert figures["resolved_within_sla"] == pytest.approx(66.7)  # 10 h and 30 h of 72; 100 h is late
    assert figures["median_hours_to_resolve"] == pytest.approx(30.0)
    channels = {key: value for key, value in figures.items() if key.startswith("reports_by_channel.")}
    assert channels["reports_by_channel.web"] == 3 and channels["reports_by_channel.whatsapp"] == 1

    app = fork.template.app
    answer = client.get(f"/api/v1/apps/{app.slug}/results/").json()
    (batang,) = answer["copies"]
    assert batang["region"]["code"] == BATANG and batang["reports"][0]["figures"] == figures
    page = client.get(app.get_absolute_url()).content.decode()
    assert 'id="hasil-dilaporkan"' in page and "Kabupaten Batang" in page and "66,7" in page

    # Sent again (the copy's data changed): the month is replaced, not added.
    assert (
        manage(root, tmp_path, "shell", "-c", script, REPORTS_JSON=json.dumps([[5, "sms"]])).returncode == 0
    )
    again = manage(root, tmp_path, "report_to_lumbung", "--month", "2026-10", "--url", live_server.url,
                   LUMBUNG_REPORTING_KEY=raw)  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    assert ServiceReport.objects.get(fork=fork).figures["reports_received"] == 5

    # A revoked key is refused with a clear message, and nothing changes.
    services.reporting_key_revoke(user=developer, key=key)
    refused = manage(root, tmp_path, "report_to_lumbung", "--month", "2026-09", "--url", live_server.url,
                     LUMBUNG_REPORTING_KEY=raw)  # fmt: skip
    assert refused.returncode != 0, refused.stdout
    assert ServiceReport.objects.count() == 1
