"""The fork pipeline with real `celery worker` processes on the configured broker (filesystem or Redis)."""

import json
import os
import signal
import time
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from templates_repo import rendering, services
from templates_repo.models import Fork
from templates_repo.tasks import render_fork
from tests.conftest import member_of, start_beat, start_worker, stop_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout: float = 60, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out waiting")


def fork_status(fork_id) -> str:
    return Fork.objects.filter(pk=fork_id).values_list("status", flat=True).get()


@pytest.fixture
def purged_broker():
    from config.celery_app import app

    app.control.purge()


def test_api_fork_is_rendered_by_a_real_worker(api, regions, media_root, tmp_path, purged_broker):
    call_command("load_demo")
    services.template_sync()
    worker = start_worker(tmp_path)
    try:
        api.force_authenticate(member_of("33.25", "developer"))
        response = api.post(
            "/api/v1/forks/", {"template": "e-santunan", "region": "33.25", "context": {}}, format="json"
        )
        assert response.status_code == 202, response.json()
        fork_id = response.json()["id"]
        wait_for(lambda: fork_status(fork_id) in ("succeeded", "failed"))
        fork = Fork.objects.get(pk=fork_id)
        assert fork.status == "succeeded", (fork.error, worker.log_path.read_text()[-3000:])
        rendering.check_archive(Path(fork.archive.path))
        with zipfile.ZipFile(fork.archive.path) as archive:
            meta = json.loads(archive.read("esantunan_batang/.lumbung.json"))
        assert meta["fork_id"] == fork_id and meta["template"] == "e-santunan"
        # The worker records the fork in the catalog right after marking it done.
        wait_for(lambda: Fork.objects.get(pk=fork_id).catalog_recorded_at)
    finally:
        stop_worker(worker)


def slow_template(base: Path) -> None:
    """A template whose render takes a few seconds, so that a worker can be killed in the middle of it."""
    folder = base / "lambat"
    project = folder / "{{cookiecutter.project_slug}}"
    project.mkdir(parents=True)
    (folder / "cookiecutter.json").write_text(
        json.dumps(
            {
                "project_slug": "lambat_app",
                "region_name": "Kabupaten Batang",
                "region_code": "33.25",
                "province_name": "Jawa Tengah",
                "__prompts__": {
                    "project_slug": "Folder",
                    "region_name": "Daerah",
                    "region_code": "Kode",
                    "province_name": "Provinsi",
                },
            }
        )
    )
    (folder / "lumbung.json").write_text(
        json.dumps(
            {
                "name": "Lambat",
                "description": "Templat uji yang lambat.",
                "category": "lainnya",
                "app": None,
                "mentor_region": "33.74",
                "mentor_agency": None,
            }
        )
    )
    for n in range(4):
        (project / f"lambat{n}.txt").write_text(
            "{% for i in range(90000) %}{% for j in range(30) %}{% endfor %}{% endfor %}selesai\n"
        )


def _assert_rendered_once(fork, media_root, log_path):
    fork.refresh_from_db()
    assert fork.status == "succeeded", (fork.error, log_path.read_text()[-3000:])
    assert fork.attempts == 2
    rendering.check_archive(Path(fork.archive.path))
    with zipfile.ZipFile(fork.archive.path) as archive:
        assert sorted(archive.namelist()) == sorted(
            [f"lambat_batang/lambat{n}.txt" for n in range(4)]
            + ["lambat_batang/.lumbung.json", "lambat_batang/lumbung_update.py"]
        )
    assert len(list((Path(media_root) / "forks").glob("*.zip"))) == 1


def test_worker_killed_mid_render_is_taken_over_within_a_minute(regions, media_root, tmp_path, purged_broker):
    slow_template(tmp_path / "cookiecutters")
    services.template_sync(base_dir=tmp_path / "cookiecutters")
    developer = member_of("33.25", "developer")

    first = start_worker(tmp_path, name="first")
    fork, _ = services.fork_request(user=developer, template_slug="lambat", region_code="33.25", context={})
    try:
        wait_for(lambda: fork_status(fork.pk) == "running", timeout=60, interval=0.01)
        os.kill(first.pid, signal.SIGKILL)  # the whole worker dies in the middle of the render
        first.wait(timeout=10)
    finally:
        stop_worker(first)
    assert fork_status(fork.pk) == "running"

    # As under `make run`: a worker comes back and beat runs the sweeper; the dead worker's lease (15 s,
    # no longer renewed) runs out and the fork is rendered again, once.
    beat = start_beat(tmp_path, {"LUMBUNG_FORK_SWEEP_SECONDS": "2"})
    second = start_worker(tmp_path, name="second")
    available = time.monotonic()
    try:
        wait_for(lambda: fork_status(fork.pk) in ("succeeded", "failed"), timeout=90)
        assert time.monotonic() - available < 60
        _assert_rendered_once(fork, media_root, second.log_path)

        # A late redelivery of the original message (Redis restores unacked tasks eventually) does nothing.
        task = render_fork.delay(str(fork.pk))
        done = f"render_fork[{task.id}] succeeded"  # no result is stored: the worker's log tells
        line = wait_for(
            lambda: next((line for line in second.log_path.read_text().splitlines() if done in line), None)
        )
        assert line.endswith("'skipped'")
        fork.refresh_from_db()
        assert fork.attempts == 2
    finally:
        stop_worker(second)
        stop_worker(beat)


def test_worker_child_killed_mid_render_is_taken_over_by_the_redelivery(
    regions, media_root, tmp_path, purged_broker
):
    """A prefork child killed mid-render: its task comes back at once (reject_on_worker_lost), waits for
    the dead child's lease and renders the fork; no sweeper needed."""
    slow_template(tmp_path / "cookiecutters")
    services.template_sync(base_dir=tmp_path / "cookiecutters")
    developer = member_of("33.25", "developer")

    worker = start_worker(tmp_path, name="prefork", pool="prefork")
    try:
        fork, _ = services.fork_request(
            user=developer, template_slug="lambat", region_code="33.25", context={}
        )
        wait_for(lambda: fork_status(fork.pk) == "running", timeout=60, interval=0.01)
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        assert len(children) == 1
        os.kill(int(children[0]), signal.SIGKILL)
        killed = time.monotonic()
        wait_for(lambda: fork_status(fork.pk) in ("succeeded", "failed"), timeout=90)
        assert time.monotonic() - killed < 60
        _assert_rendered_once(fork, media_root, worker.log_path)
    finally:
        stop_worker(worker)
