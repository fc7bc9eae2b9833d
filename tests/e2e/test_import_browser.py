"""The page of a background inventory import in a browser: it follows the job, then shows the report."""

import threading

import pytest

from catalog.importers import import_job_run
from catalog.models import App, ImportJob
from tests import factories
from tests.catalog.test_import import inventory, to_csv
from tests.e2e.test_csp_browser import RECORD_VIOLATIONS

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_job_page_polls_and_shows_the_report(
    live_server, page, regions, media_root, settings, monkeypatch
):
    from catalog import tasks

    settings.LUMBUNG_IMPORT_BACKGROUND_ROWS = 10
    queued = []
    monkeypatch.setattr(tasks.run_import_job, "apply_async", lambda args, **options: queued.append(args[0]))
    region = factories.region("33.25")
    factories.StaffFactory(username="root", is_superuser=True)
    page.add_init_script(RECORD_VIOLATIONS)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/admin/login/?next=/admin/catalog/app/import/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "secret-pass-123")
    page.click("input[type=submit]")
    page.select_option("#id_region", label="33.25 — Kabupaten Batang")
    rows = inventory(20)
    for row in rows:
        row["opd"] = ""  # Batang has no agencies in this test
    page.set_input_files(
        "#id_file", files=[{"name": "batang.csv", "mimeType": "text/csv", "buffer": to_csv(rows)}]
    )
    page.click("input[type=submit][value=Impor], input[type=submit][value=Import]")
    page.wait_for_url("**/admin/catalog/app/import/*/")
    job = ImportJob.objects.get()
    assert queued == [str(job.pk)]
    assert page.locator("#import-job-progress").get_attribute("value") == "0"

    # A worker takes the job while the page is open; the page notices and reloads with the report.
    threading.Thread(target=import_job_run, kwargs={"job_id": job.pk}).start()
    page.wait_for_selector("#import-summary", timeout=30_000)
    assert "Kabupaten Batang: 20 dibuat" in page.locator("#import-summary").inner_text()
    assert page.locator("#import-job-progress").get_attribute("value") == "100"
    assert App.objects.filter(owner_region=region).count() == 20
    assert page.evaluate("window.__csp") == [] and errors == []
