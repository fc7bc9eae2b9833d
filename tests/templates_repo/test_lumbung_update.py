"""`make lumbung-update` from a generated copy, against a running Lumbung and a real worker: the copy at
v1 takes the newest version with its own edit kept, and Lumbung records it applied; without Lumbung, or
with a bad token, it fails with a clear message and changes nothing."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from templates_repo import services
from templates_repo.models import Fork, TemplateUpdate
from templates_repo.services.tools import TOOLS
from tests.conftest import member_of, start_worker, stop_worker
from tests.templates_repo.gitrepo import commit_all, git

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


@pytest.fixture
def copy_repo(regions, media_root, tmp_path):
    """Batang's copy of the complaint app at v1 (made when copies already got the update tool), unzipped,
    committed, with one edit of its own."""
    services.template_sync()
    developer = member_of("33.25", "developer", "dev-batang")
    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}, version_number=1
    )
    assert services.fork_run(fork_id=fork.pk) == "succeeded"
    fork = Fork.objects.get(pk=fork.pk)
    with zipfile.ZipFile(fork.archive.path) as archive:
        archive.extractall(tmp_path / "salinan")
    (root,) = (tmp_path / "salinan").iterdir()
    assert (root / "lumbung_update.py").read_bytes() == TOOLS["lumbung_update.py"]
    commit_all(root, "Salinan awal")
    readme = root / "README.md"
    readme.write_text("Dikelola Diskominfo Batang.\n\n" + readme.read_text())
    commit_all(root, "Catatan Batang")
    return fork, root, Token.objects.create(user=developer).key


def run_update(root: Path, *, url: str, token: str, command: tuple = ()) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root.parent), "LUMBUNG_URL": url, "LUMBUNG_TOKEN": token,
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}  # fmt: skip
    command = command or (sys.executable, "lumbung_update.py")
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_make_lumbung_update_against_a_running_lumbung(live_server, copy_repo, tmp_path):
    from config.celery_app import app

    fork, root, token = copy_repo
    app.control.purge()
    worker = start_worker(tmp_path)
    try:
        result = run_update(root, url=live_server.url, token=token)
    finally:
        stop_worker(worker)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Pembaruan diterapkan" in result.stdout
    update = TemplateUpdate.objects.get()
    assert update.from_version.number == 1 and update.applied_at is not None
    fork.refresh_from_db()
    assert fork.current_version == update.to_version
    assert (root / "README.md").read_text().startswith("Dikelola Diskominfo Batang.")
    assert "lumbung-update" in (root / "Makefile").read_text()
    status = git(root, "status", "--porcelain").stdout
    assert "Makefile" in status  # applied to the work tree, for the developer to review and commit
    # Committed, the copy is at the newest version: the new Makefile's target says so and changes nothing.
    commit_all(root, "Pembaruan templat")
    again = run_update(root, url=live_server.url, token=token, command=("make", "lumbung-update"))
    assert again.returncode == 0 and "sudah versi terbaru" in again.stdout, again.stdout + again.stderr
    assert TemplateUpdate.objects.count() == 1


def test_without_lumbung_or_with_a_bad_token_nothing_changes(live_server, copy_repo):
    _fork, root, _token = copy_repo
    head = git(root, "rev-parse", "HEAD").stdout
    offline = run_update(root, url="http://127.0.0.1:9", token="x")
    assert offline.returncode == 1 and "tidak dapat dihubungi" in offline.stderr
    refused = run_update(root, url=live_server.url, token="bukan-token")
    assert refused.returncode == 1 and "401" in refused.stderr
    assert git(root, "status", "--porcelain").stdout == "" and git(root, "rev-parse", "HEAD").stdout == head
    assert not TemplateUpdate.objects.exists()
