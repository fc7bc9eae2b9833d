"""The update of a copy end to end, for each template of the library: Kabupaten Batang's copy at v1,
unzipped and committed as a region keeps it, takes the newest version through the API (request, the
job, the patch download) and `git apply --3way`:

- with an edit of the region's own, the patch applies, the edit stays, and the copy's own test suite
  (`make test`, as in test_cookiecutters.py) passes on the updated copy;
- untouched, the updated copy is byte for byte (and executable bit for executable bit) a fresh render of
  the new version with the update's context, plus the files Lumbung adds;
- with the region's edit on a line the new version also changes, git reports the conflict and leaves
  both lines between conflict markers.

Slow (each generated suite takes a few seconds), hence the marker.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from templates_repo import services
from templates_repo.models import Fork, Template, TemplateUpdate
from templates_repo.services import patches
from templates_repo.services.tools import tool_files
from templates_repo.services.versions import COOKIECUTTERS_DIR
from tests.conftest import member_of
from tests.templates_repo.gitrepo import commit_all, git, tree, unzip_copy
from tests.templates_repo.test_cookiecutters import run_generated_tests

pytestmark = [pytest.mark.django_db, pytest.mark.generated]

SLUGS = ["e-santunan", "pengaduan", "perencanaan"]


@pytest.fixture(scope="session")
def checkout(tmp_path_factory) -> Path:
    """The template folders as a git checkout has them: tracked files and new ones, without what git
    ignores. template_sync records every file of a folder, so a cache a tool left in a working tree
    (`.ruff_cache`, `__pycache__`) would become part of the newest version here, while the patch leaves
    it out (make_patch's `git add -A` honours the cache's own .gitignore); these tests are about the
    update, not about a developer's scratch files."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "."],
        cwd=COOKIECUTTERS_DIR, capture_output=True, check=True,
    ).stdout  # fmt: skip
    target = tmp_path_factory.mktemp("cookiecutters")
    for name in filter(None, listed.decode().split("\0")):
        source = COOKIECUTTERS_DIR / name
        if source.is_file():  # not a tracked file deleted in the working tree
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    assert sorted(path.name for path in target.iterdir()) == SLUGS
    return target


@dataclass
class Update:
    fork: Fork
    update: TemplateUpdate
    patch: Path  # update.patch, as downloaded through the API
    fresh: Path  # the new version rendered with the update's context, with the files Lumbung adds


@pytest.fixture(params=SLUGS)
def prepared(request, checkout, regions, media_root, api, tmp_path) -> Update:
    """Batang's copy of the template at v1 (rendered in-process, as the worker would) and its update to
    the newest version, requested, prepared and downloaded through the API."""
    slug = request.param
    services.template_sync(base_dir=checkout)
    template = Template.objects.get(slug=slug)
    newest = template.versions.order_by("-number")[0]
    assert newest.number > 1, f"{slug} has a version newer than 1"
    developer = member_of("33.25", "developer", "dev-batang")
    fork, _ = services.fork_request(
        user=developer, template_slug=slug, region_code="33.25", context={}, version_number=1
    )
    assert services.fork_run(fork_id=fork.pk) == "succeeded"
    fork = Fork.objects.get(pk=fork.pk)

    api.force_authenticate(developer)
    response = api.post(f"/api/v1/forks/{fork.pk}/updates/", {}, format="json")
    assert response.status_code == 202, response.content
    update_id = response.json()["id"]
    assert response.json()["to_version"] == newest.number
    assert services.update_run(update_id=update_id) == "succeeded"
    download = api.get(f"/api/v1/updates/{update_id}/patch/")
    assert download.status_code == 200 and download["Content-Type"] == "text/x-patch"
    patch = tmp_path / "update.patch"
    patch.write_bytes(b"".join(download.streaming_content))

    update = TemplateUpdate.objects.get(pk=update_id)
    metadata = services.update_metadata(update)
    extra = {".lumbung.json": json.dumps(metadata, indent=2, ensure_ascii=False).encode()}
    fresh = patches.render_tree(
        services.template_dir_of(update.to_version), update.context, tmp_path / "fresh",
        extra_files={**extra, **tool_files(metadata)}, limits=services.runs._limits(),
    )  # fmt: skip
    return Update(fork=fork, update=update, patch=patch, fresh=fresh)


def apply(repo: Path, patch: Path):
    return git(repo, "apply", "--3way", str(patch), check=False)


def test_the_regions_edit_survives_and_the_copys_suite_passes(prepared, tmp_path):
    repo = unzip_copy(prepared.fork, tmp_path / "diedit")
    readme = repo / "README.md"
    readme.write_text("Dikelola Diskominfo Kabupaten Batang.\n\n" + readme.read_text())
    (repo / "catatan-batang.txt").write_text("Catatan milik Batang, bukan dari templat.\n")
    # And a file the update does not touch at all.
    touched = {item["path"] for item in prepared.update.files} | {
        item["old_path"] for item in prepared.update.files
    }
    untouched = next(
        path for path in sorted(repo.rglob("*.py"))
        if path.relative_to(repo).as_posix() not in touched and not {".git", "tests"} & set(path.parts)
    )  # fmt: skip
    untouched.write_text(untouched.read_text() + "\n# Disesuaikan Diskominfo Kabupaten Batang.\n")
    commit_all(repo, "Penyesuaian Batang")

    applied = apply(repo, prepared.patch)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert git(repo, "diff", "--name-only", "--diff-filter=U").stdout == ""
    assert readme.read_text().startswith("Dikelola Diskominfo Kabupaten Batang.\n\n")
    # The rest of the README is the new version's.
    fresh_readme = (prepared.fresh / "README.md").read_text()
    assert readme.read_text() == "Dikelola Diskominfo Kabupaten Batang.\n\n" + fresh_readme
    assert (repo / "catatan-batang.txt").read_text() == "Catatan milik Batang, bukan dari templat.\n"
    assert untouched.read_text().endswith("\n# Disesuaikan Diskominfo Kabupaten Batang.\n")
    assert (repo / "Makefile").read_bytes() == (prepared.fresh / "Makefile").read_bytes()
    metadata = json.loads((repo / ".lumbung.json").read_text())
    assert metadata["version"] == prepared.update.to_version.number

    run_generated_tests(repo, tmp_path)


def test_an_untouched_copy_becomes_the_fresh_render_of_the_new_version(prepared, tmp_path):
    repo = unzip_copy(prepared.fork, tmp_path / "utuh")
    assert tree(repo) != tree(prepared.fresh)  # the update changes something

    applied = apply(repo, prepared.patch)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    ours, fresh = tree(repo), tree(prepared.fresh)
    assert sorted(ours) == sorted(fresh)
    assert [name for name in fresh if ours[name] != fresh[name]] == []
    assert "lumbung_update.py" in ours and ".lumbung.json" in ours
    assert any(executable for _data, executable in fresh.values()), "some file is executable"


def quick_start_line(readme: Path) -> str:
    return next(line for line in readme.read_text().splitlines() if line.startswith("make run "))


def test_an_edit_on_a_line_the_new_version_changes_is_a_conflict(prepared, tmp_path):
    repo = unzip_copy(prepared.fork, tmp_path / "konflik")
    readme = repo / "README.md"
    # The `make run` line of the README's quick start: every template's new version rewrites it.
    old_line = quick_start_line(readme)
    new_line = quick_start_line(prepared.fresh / "README.md")
    assert old_line != new_line
    ours_line = "make run    # di server Diskominfo Batang: lihat docs/batang.md"
    readme.write_text(readme.read_text().replace(old_line + "\n", ours_line + "\n", 1))
    commit_all(repo, "Catatan Batang pada make run")

    applied = apply(repo, prepared.patch)
    assert applied.returncode != 0
    assert "README.md" in applied.stderr and "conflict" in applied.stderr.lower(), applied.stderr
    assert git(repo, "diff", "--name-only", "--diff-filter=U").stdout.split() == ["README.md"]

    lines = readme.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("<<<<<<<"))
    middle = next(i for i, line in enumerate(lines) if i > start and line == "=======")
    end = next(i for i, line in enumerate(lines) if i > middle and line.startswith(">>>>>>>"))
    assert ours_line in lines[start + 1 : middle]
    assert new_line in lines[middle + 1 : end]
    assert old_line not in lines
    # The files without a conflict took the new version.
    assert (repo / "Makefile").read_bytes() == (prepared.fresh / "Makefile").read_bytes()
