"""Large inventory imports run by a Celery task: the ImportJob, its pages, and a real worker."""

import datetime
import io
import json
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone, translation

from catalog import tasks
from catalog.admin_import import import_apps_view, import_job_status_view, import_job_view
from catalog.importers import import_job_create, import_job_run, read_upload
from catalog.models import App, ImportJob
from tests import factories
from tests.catalog.test_import import BATANG, admin_request, inventory, to_csv, to_xlsx
from tests.conftest import start_worker, stop_worker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def background(settings, media_root):
    """Anything above 10 rows is imported in the background."""
    settings.LUMBUNG_IMPORT_BACKGROUND_ROWS = 10
    return settings


@pytest.fixture
def queued(monkeypatch):
    """The job ids queued with run_import_job (the task is not run)."""
    ids = []

    def apply_async(args, **options):
        assert options == {"time_limit": 45 * 60, "soft_time_limit": 44 * 60}
        ids.append(*args)

    monkeypatch.setattr(tasks.run_import_job, "apply_async", apply_async)
    return ids


def post_file(rf, user, model_admin, data: bytes, name: str, **extra):
    upload = SimpleUploadedFile(name, data)
    return import_apps_view(model_admin, admin_request(rf, user, {"region": BATANG, "file": upload, **extra}))


def test_a_large_upload_becomes_a_queued_job_and_the_request_parses_nothing(
    rf, batang, superuser, model_admin, background, queued, django_capture_on_commit_callbacks, monkeypatch
):
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("parsed in the request"))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(
            rf, superuser, model_admin, to_xlsx(inventory(20)), "../../Inventaris Batang.xlsx"
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == f"/admin/catalog/app/import/{job.pk}/"
    assert queued == [str(job.pk)]
    assert (job.status, job.progress, job.region, job.created_by) == ("queued", 0, batang, superuser)
    assert job.filename == "Inventaris Batang.xlsx"
    assert job.estimated_rows == 21  # <row> elements after the header, the notes sheet's one included
    # Stored under a generated name, never the uploader's.
    assert re.fullmatch(r"imports/[0-9a-f]{32}\.xlsx", job.file.name)
    assert job.file.size == job.size
    assert App.objects.count() == 0


def test_a_small_upload_is_still_imported_at_once(rf, batang, superuser, model_admin, background, queued):
    response = post_file(rf, superuser, model_admin, to_csv(inventory(10)), "batang.csv")
    assert response.status_code == 302 and response.url == "/admin/catalog/app/"
    assert App.objects.count() == 10 and not ImportJob.objects.exists() and not queued


def test_the_job_imports_reports_and_removes_the_upload(batang, superuser, background, queued, media_root):
    upload = read_upload(io.BytesIO(to_xlsx(inventory(40))), filename="batang.xlsx")
    job = import_job_create(region=batang, upload=upload, created_by=superuser, language="id")
    stored = media_root / job.file.name
    assert stored.exists()
    assert import_job_run(job_id=job.pk) == "succeeded"
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("succeeded", 100, 1)
    counts = {"rows": 40, "created": 40, "updated": 0, "unchanged": 0}
    assert job.report == {**counts, "dry_run": False, "errors": {}, "file_errors": []}
    assert job.started_at <= job.finished_at
    assert App.objects.filter(owner_region=batang, created_by=superuser).count() == 40
    assert not stored.exists() and not job.file
    # A second delivery of the same task does nothing.
    assert import_job_run(job_id=job.pk) == "skipped"
    assert tasks.run_import_job(str(job.pk)) == "skipped"


def test_a_job_with_bad_rows_saves_nothing_and_reports_each_row_in_the_uploaders_language(
    batang, superuser, background, queued
):
    rows = inventory(30)
    rows[4]["kategori"] = "tidak ada"
    rows[20]["diluncurkan"] = "kemarin"
    upload = read_upload(io.BytesIO(to_csv(rows)), filename="batang.csv")
    job = import_job_create(region=batang, upload=upload, created_by=superuser, language="id")
    assert import_job_run(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and App.objects.count() == 0
    assert sorted(job.report["errors"]) == ["22", "6"]
    assert job.report["errors"]["6"]["category"][0].startswith("“tidak ada” bukan")


def test_a_dry_run_job_saves_nothing(batang, superuser, background, queued):
    upload = read_upload(io.BytesIO(to_csv(inventory(30))), filename="batang.csv")
    job = import_job_create(region=batang, upload=upload, created_by=superuser, dry_run=True)
    assert import_job_run(job_id=job.pk) == "succeeded"
    job.refresh_from_db()
    assert job.report["created"] == 30 and job.report["dry_run"]
    assert App.objects.count() == 0


def test_a_job_whose_worker_died_is_taken_over_after_its_lease(
    batang, superuser, background, queued, settings
):
    upload = read_upload(io.BytesIO(to_csv(inventory(12))), filename="batang.csv")
    job = import_job_create(region=batang, upload=upload, created_by=superuser)
    ImportJob.objects.filter(pk=job.pk).update(status="running", attempts=1, started_at=timezone.now())
    assert import_job_run(job_id=job.pk) == "skipped"  # another worker holds it
    lease = datetime.timedelta(seconds=settings.LUMBUNG_IMPORT_TIME_LIMIT_SECONDS + 61)
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - lease)
    assert import_job_run(job_id=job.pk) == "succeeded"
    job.refresh_from_db()
    assert job.attempts == 2 and App.objects.count() == 12


def test_an_unexpected_error_fails_the_job_and_saves_nothing(
    batang, superuser, background, queued, monkeypatch
):
    from catalog.importers import service

    upload = read_upload(io.BytesIO(to_csv(inventory(12))), filename="batang.csv")
    job = import_job_create(region=batang, upload=upload, created_by=superuser)
    calls = []

    def app_create(**kwargs):
        calls.append(kwargs)
        if len(calls) == 5:
            raise RuntimeError("disk full")
        return original(**kwargs)

    original = service.app_create
    monkeypatch.setattr(service, "app_create", app_create)
    assert import_job_run(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert job.report["file_errors"] == ["The import stopped unexpectedly; nothing was saved."]
    assert App.objects.count() == 0


# The job's pages ----------------------------------------------------------------------------------


def test_the_job_page_polls_with_a_static_script_then_shows_the_report(
    rf, batang, superuser, model_admin, background, queued
):
    upload = read_upload(io.BytesIO(to_csv(inventory(20))), filename="batang.csv")
    job = import_job_create(region=batang, upload=upload, created_by=superuser)
    request = admin_request(rf, superuser)
    response = import_job_view(model_admin, request, job_id=job.pk)
    response.render()
    html = response.content.decode()
    assert response.status_code == 200
    assert '<script src="/static/catalog/import_job.js" defer></script>' in html
    assert f'data-status-url="/admin/catalog/app/import/{job.pk}/status/"' in html
    # No inline script anywhere on the page (a Content-Security-Policy forbids them).
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    status = json.loads(import_job_status_view(model_admin, request, job_id=job.pk).content)
    assert status == {"status": "queued", "status_display": "Queued", "progress": 0, "finished": False}

    import_job_run(job_id=job.pk)
    response = import_job_view(model_admin, request, job_id=job.pk)
    response.render()
    html = response.content.decode()
    assert "Kabupaten Batang: 20 created, 0 updated, 0 unchanged." in html
    assert "import_job.js" not in html
    status = json.loads(import_job_status_view(model_admin, request, job_id=job.pk).content)
    assert status == {"status": "succeeded", "status_display": "Succeeded", "progress": 100, "finished": True}


def test_the_job_page_shows_row_errors(rf, batang, superuser, model_admin, background, queued):
    rows = inventory(20)
    rows[11]["kategori"] = "transportasi"
    job = import_job_create(
        region=batang, upload=read_upload(io.BytesIO(to_csv(rows)), filename="b.csv"), created_by=superuser
    )
    import_job_run(job_id=job.pk)
    response = import_job_view(model_admin, admin_request(rf, superuser), job_id=job.pk)
    response.render()
    html = response.content.decode()
    assert "Nothing was saved: 1 of 20 rows has errors." in html
    assert "<td>13</td>" in html and "<td>category (kategori)</td>" in html


def test_only_the_uploader_or_a_superuser_sees_a_job(rf, batang, superuser, model_admin, background, queued):
    from django.contrib.auth.models import Permission

    owner = factories.StaffFactory(username="operator")
    other = factories.StaffFactory(username="other")
    for user in (owner, other):
        user.user_permissions.add(Permission.objects.get(codename="add_app"))
    owner, other = (type(user).objects.get(pk=user.pk) for user in (owner, other))
    upload = read_upload(io.BytesIO(to_csv(inventory(20))), filename="b.csv")
    job = import_job_create(region=batang, upload=upload, created_by=owner)
    assert import_job_view(model_admin, admin_request(rf, owner), job_id=job.pk).status_code == 200
    assert import_job_view(model_admin, admin_request(rf, superuser), job_id=job.pk).status_code == 200
    with pytest.raises(Http404):
        import_job_view(model_admin, admin_request(rf, other), job_id=job.pk)
    with pytest.raises(Http404):
        import_job_status_view(model_admin, admin_request(rf, other), job_id=job.pk)


def test_admin_urls_lead_to_the_job_page(client, batang, superuser, background, queued):
    client.force_login(superuser)
    upload = SimpleUploadedFile("batang.csv", to_csv(inventory(20)))
    response = client.post("/admin/catalog/app/import/", {"region": BATANG, "file": upload})
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200 and b"batang.csv" in page.content
    status = client.get(response.url + "status/")
    assert status.status_code == 200 and status.json()["status"] == "queued"


# A real worker ------------------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_a_large_file(rf, batang, superuser, model_admin, background, tmp_path):
    from config.celery_app import app

    app.control.purge()
    worker = start_worker(tmp_path, name="import-worker")
    try:
        response = post_file(rf, superuser, model_admin, to_xlsx(inventory(60)), "batang.xlsx")
        assert response.status_code == 302
        job = ImportJob.objects.get()
        deadline = time.monotonic() + 90
        while ImportJob.objects.get(pk=job.pk).status in ("queued", "running"):
            assert time.monotonic() < deadline, worker.log_path.read_text()[-3000:]
            time.sleep(0.1)
        job.refresh_from_db()
        assert job.status == "succeeded", (job.report, worker.log_path.read_text()[-3000:])
        assert job.report["created"] == 60
        assert App.objects.filter(owner_region=batang).count() == 60
        assert not job.file
    finally:
        stop_worker(worker)


def test_the_sweeper_sends_again_a_job_no_worker_took(
    batang, superuser, background, queued, settings, django_capture_on_commit_callbacks
):
    from catalog.importers.jobs import import_job_sweep

    upload = read_upload(io.BytesIO(to_csv(inventory(12))), filename="batang.csv")
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(region=batang, upload=upload, created_by=superuser)
    assert queued == [str(job.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        assert import_job_sweep() == 0  # just sent: a worker may still take it
    later = timezone.now() + datetime.timedelta(seconds=settings.LUMBUNG_IMPORT_REQUEUE_AFTER_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_import_jobs() == 0
        assert import_job_sweep(now=later) == 1  # the broker lost the message
    assert queued == [str(job.pk)] * 2
    assert import_job_run(job_id=job.pk) == "succeeded"
    with django_capture_on_commit_callbacks(execute=True):
        assert import_job_sweep(now=later + datetime.timedelta(hours=1)) == 0


def test_a_job_past_its_time_limit_fails_with_that_reason(batang, superuser, background, queued, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from catalog.importers import jobs

    upload = read_upload(io.BytesIO(to_csv(inventory(12))), filename="batang.csv")
    job = import_job_create(region=batang, upload=upload, created_by=superuser)

    def too_slow(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(jobs, "apps_import_upload", too_slow)
    closed = []
    # The task starts afresh on new connections; the test's own transaction must stay open.
    monkeypatch.setattr(tasks.connections, "close_all", lambda: closed.append(True))
    assert tasks.run_import_job(str(job.pk)) == "failed"
    assert closed == [True]
    job.refresh_from_db()
    assert job.status == "failed" and not job.file
    assert job.report["file_errors"] == ["The import took longer than the time limit; nothing was saved."]
