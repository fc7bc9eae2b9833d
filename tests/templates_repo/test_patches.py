"""The update patch, on real git repositories: applied with `git apply --3way` to an untouched copy it
gives exactly the new render (changed, added, deleted, renamed, binary files and permission bits); a
copy's own edits survive, in other files and in other lines of a changed file; a conflicting edit ends
as conflict markers with both sides, never lost."""

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from templates_repo.services import patches
from templates_repo.services.patches import make_patch, split_patch
from tests.templates_repo.gitrepo import commit_all, git

DATE = "2026-12-02T10:00:00+07:00"
LINES = "".join(f"baris {n}\n" for n in range(1, 31))


def write(root: Path, files: dict[str, bytes | str], modes: dict[str, int] | None = None) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        path.chmod((modes or {}).get(name, 0o644))
    return root


@pytest.fixture
def trees(tmp_path):
    old = write(tmp_path / "old", {
        "settings.py": LINES, "hapus.txt": "lama\n", "logo.png": bytes(range(256)) * 4,
        "jalankan.sh": "#!/bin/sh\necho halo\n", "lama/berkas.txt": "isi yang sama panjang sekali\n" * 5,
        "tetap.txt": "tidak berubah\n",
    })  # fmt: skip
    new_lines = LINES.replace("baris 25\n", "baris 25 (baru)\n")
    new = write(tmp_path / "new", {
        "settings.py": new_lines, "tambah.txt": "baru\n", "logo.png": bytes(reversed(range(256))) * 4,
        "jalankan.sh": "#!/bin/sh\necho halo\n", "baru/berkas.txt": "isi yang sama panjang sekali\n" * 5,
        "tetap.txt": "tidak berubah\n",
    }, modes={"jalankan.sh": 0o755})  # fmt: skip
    patch = make_patch(
        old, new, workdir=tmp_path / "work", subject="Contoh v1 -> v2", body="- Baris 25.", date=DATE
    )
    return old, new, patch


def copy_repo(old: Path, target: Path) -> Path:
    shutil.copytree(old, target)
    commit_all(target, "Salinan awal")
    return target


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), stat.S_IMODE(path.stat().st_mode) & 0o111)
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def apply(repo: Path, patch: bytes, tmp_path: Path) -> subprocess.CompletedProcess:
    (tmp_path / "update.patch").write_bytes(patch)
    return git(repo, "apply", "--3way", str(tmp_path / "update.patch"), check=False)


def test_the_file_list_names_every_kind_of_change(trees):
    _old, _new, patch = trees
    kinds = {change.path: (change.change, change.old_path, change.binary) for change in patch.files}
    assert kinds == {
        "settings.py": ("modified", "", False),
        "hapus.txt": ("deleted", "", False),
        "tambah.txt": ("added", "", False),
        "logo.png": ("modified", "", True),
        "jalankan.sh": ("modified", "", False),
        "baru/berkas.txt": ("renamed", "lama/berkas.txt", False),
    }
    assert set(split_patch(patch.text.decode())) == {"settings.py", "hapus.txt", "tambah.txt", "logo.png",
                                                      "jalankan.sh", "baru/berkas.txt"}  # fmt: skip
    assert b"Subject: [PATCH] Contoh v1" in patch.text and b"- Baris 25." in patch.text


def test_the_same_inputs_give_the_same_patch(trees, tmp_path):
    old, new, patch = trees
    again = make_patch(
        old, new, workdir=tmp_path / "again", subject="Contoh v1 -> v2", body="- Baris 25.", date=DATE
    )
    assert again.text == patch.text


def test_an_untouched_copy_becomes_exactly_the_new_render(trees, tmp_path):
    old, new, patch = trees
    repo = copy_repo(old, tmp_path / "salinan")
    result = apply(repo, patch.text, tmp_path)
    assert result.returncode == 0, result.stderr
    assert snapshot(repo) == snapshot(new)


def test_a_copys_edits_in_other_files_and_other_lines_survive(trees, tmp_path):
    old, _new, patch = trees
    repo = copy_repo(old, tmp_path / "salinan")
    (repo / "tetap.txt").write_text("diubah oleh Batang\n")
    (repo / "settings.py").write_text(LINES.replace("baris 3\n", "baris 3 (Batang)\n"))
    git(repo, "commit", "-qam", "Penyesuaian Batang")
    result = apply(repo, patch.text, tmp_path)
    assert result.returncode == 0, result.stderr
    settings = (repo / "settings.py").read_text()
    assert "baris 3 (Batang)\n" in settings and "baris 25 (baru)\n" in settings
    assert (repo / "tetap.txt").read_text() == "diubah oleh Batang\n"
    assert (repo / "tambah.txt").exists() and not (repo / "hapus.txt").exists()


def test_a_conflicting_edit_is_reported_and_both_sides_kept(trees, tmp_path):
    old, _new, patch = trees
    repo = copy_repo(old, tmp_path / "salinan")
    (repo / "settings.py").write_text(LINES.replace("baris 25\n", "baris 25 (Batang)\n"))
    git(repo, "commit", "-qam", "Penyesuaian Batang")
    result = apply(repo, patch.text, tmp_path)
    assert result.returncode != 0
    assert "conflicts" in result.stderr and "settings.py" in result.stderr
    settings = (repo / "settings.py").read_text()
    assert "<<<<<<<" in settings and "baris 25 (Batang)" in settings and "baris 25 (baru)" in settings
    assert (repo / "tambah.txt").exists()  # the rest of the update is applied


def test_a_shipped_gitignore_hides_nothing_from_the_patch(tmp_path):
    old = write(tmp_path / "old", {".gitignore": "*.log\n", "a.txt": "a\n"})
    new = write(
        tmp_path / "new", {".gitignore": "*.log\n", "a.txt": "a\n", "contoh.log": "dikirim templat\n"}
    )
    patch = make_patch(old, new, workdir=tmp_path / "work", subject="log", body="", date=DATE)
    assert [change.path for change in patch.files] == ["contoh.log"]


def test_a_change_whose_stat_data_git_would_trust_is_still_in_the_patch(tmp_path, monkeypatch):
    """A same-size file whose new copy got the old one's inode and (coarse) timestamps looks unchanged to
    git's index: CI once lost a changed logo that way. Marking the entry unchanged is that case, made
    certain."""
    old = write(tmp_path / "old", {"logo.png": bytes(range(256)) * 4, "tetap.txt": "sama\n"})
    new = write(tmp_path / "new", {"logo.png": bytes(reversed(range(256))) * 4, "tetap.txt": "sama\n"})
    replace_tree = patches._replace_tree

    def trusting_the_index(repo: Path, source: Path) -> None:
        if (repo / ".git" / "index").exists():
            git(repo, "update-index", "--assume-unchanged", "logo.png")
        replace_tree(repo, source)

    monkeypatch.setattr(patches, "_replace_tree", trusting_the_index)
    patch = make_patch(old, new, workdir=tmp_path / "work", subject="Logo", body="", date=DATE)
    assert [(change.path, change.binary) for change in patch.files] == [("logo.png", True)]
