"""Updating a copy through the API: a Batang copy of the complaint app at v1, asked to take the newest
version; the job renders both versions and writes the patch; `git apply --3way` on the unzipped copy
gives the new version's files, keeping the region's own edits; bad requests are 400s with nothing saved."""

import json

import pytest

from templates_repo import services
from templates_repo.models import Fork, Template, TemplateUpdate
from templates_repo.services import patches
from templates_repo.services.tools import tool_files
from tests.conftest import member_of
from tests.templates_repo.gitrepo import git, tree, unzip_copy

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(regions, media_root):
    services.template_sync()
    return {template.slug: template for template in Template.objects.all()}


@pytest.fixture
def developer(regions):
    return member_of("33.25", "developer", "dev-batang")


@pytest.fixture
def copy_v1(library, developer):
    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}, version_number=1
    )
    assert services.fork_run(fork_id=fork.pk) == "succeeded"
    return Fork.objects.get(pk=fork.pk)


def ask(api, developer, fork, **body):
    api.force_authenticate(developer)
    return api.post(f"/api/v1/forks/{fork.pk}/updates/", body, format="json")


def test_an_untouched_copy_becomes_the_new_version(api, developer, copy_v1, tmp_path):
    newest = copy_v1.template.versions.order_by("-number")[0]
    assert newest.number > 1, "the library's templates have a newer version than 1"
    response = ask(api, developer, copy_v1)
    assert response.status_code == 202, response.content
    update_id = response.json()["id"]
    assert response["Location"] == f"/api/v1/updates/{update_id}/"
    assert response.json()["to_version"] == newest.number and response.json()["status"] == "queued"
    assert services.update_run(update_id=update_id) == "succeeded"

    status = api.get(f"/api/v1/updates/{update_id}/").json()
    assert status["status"] == "succeeded" and status["patch_url"].endswith(
        f"/api/v1/updates/{update_id}/patch/"
    )
    assert (
        f"## Versi {newest.number}" in status["changelog"]
        or f"## Version {newest.number}" in status["changelog"]
    )
    changes = {item["path"]: item["change"] for item in status["files"]}
    assert changes[".lumbung.json"] == "modified" and "added" in changes.values()

    download = api.get(f"/api/v1/updates/{update_id}/patch/")
    assert download.status_code == 200 and download["Content-Type"] == "text/x-patch"
    patch = b"".join(download.streaming_content)
    (tmp_path / "update.patch").write_bytes(patch)
    repo = unzip_copy(copy_v1, tmp_path / "salinan")
    applied = git(repo, "apply", "--3way", str(tmp_path / "update.patch"), check=False)
    assert applied.returncode == 0, applied.stderr

    update = TemplateUpdate.objects.get(pk=update_id)
    metadata = services.update_metadata(update)
    extra = {".lumbung.json": json.dumps(metadata, indent=2, ensure_ascii=False).encode()}
    fresh = patches.render_tree(
        services.template_dir_of(update.to_version), update.context, tmp_path / "fresh",
        extra_files={**extra, **tool_files(metadata)}, limits=services.runs._limits(),
    )  # fmt: skip
    assert "lumbung_update.py" in tree(fresh)
    assert tree(repo) == tree(fresh)

    # The region says it applied it: the next update starts from there, and there is none newer.
    assert api.post(f"/api/v1/updates/{update_id}/applied/").status_code == 200
    copy_v1.refresh_from_db()
    assert copy_v1.current_version == newest
    again = ask(api, developer, copy_v1)
    assert again.status_code == 400 and "to_version" in again.json()


def test_the_regions_own_edits_survive(api, developer, copy_v1, tmp_path):
    update_id = ask(api, developer, copy_v1).json()["id"]
    services.update_run(update_id=update_id)
    (tmp_path / "update.patch").write_bytes(TemplateUpdate.objects.get(pk=update_id).patch.read())
    repo = unzip_copy(copy_v1, tmp_path / "salinan")
    readme = repo / "README.md"
    readme.write_text("Catatan Batang.\n\n" + readme.read_text())
    (repo / "catatan-batang.txt").write_text("milik Batang\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Penyesuaian Batang")
    applied = git(repo, "apply", "--3way", str(tmp_path / "update.patch"), check=False)
    assert applied.returncode == 0, applied.stderr
    assert readme.read_text().startswith("Catatan Batang.") and (repo / "catatan-batang.txt").exists()
    assert "lumbung-update" in (repo / "Makefile").read_text()  # the new version's Makefile


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to_version": 1}, "to_version"),
        ({"to_version": 99}, "to_version"),
        ({"from_version": 5}, "from_version"),
        ({"values": {"tidak_ada": 1}}, "tidak_ada"),
        ({"values": "x"}, "values"),
    ],
)
def test_bad_requests_are_400_and_nothing_is_saved(api, developer, copy_v1, body, field):
    response = ask(api, developer, copy_v1, **body)
    assert response.status_code == 400 and field in str(response.json()), response.content
    assert not TemplateUpdate.objects.exists()


def test_another_regions_member_neither_sees_nor_updates_the_copy(api, copy_v1):
    response = ask(api, member_of("64.74", "admin"), copy_v1)
    assert response.status_code == 404
    assert not TemplateUpdate.objects.exists()


def test_the_same_idempotency_key_gives_the_same_update(api, developer, copy_v1):
    api.force_authenticate(developer)
    first = api.post(f"/api/v1/forks/{copy_v1.pk}/updates/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    second = api.post(f"/api/v1/forks/{copy_v1.pk}/updates/", {}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.json()["id"] == second.json()["id"] and TemplateUpdate.objects.count() == 1
    other = api.post(f"/api/v1/forks/{copy_v1.pk}/updates/", {"to_version": 2}, format="json",
                     HTTP_IDEMPOTENCY_KEY="k1")  # fmt: skip
    assert other.status_code == 409
