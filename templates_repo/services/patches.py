"""The patch from one render of a copy to another: what an update hands a region (`update.patch`), and
what comparing two versions of a template shows.

Both renders are committed in a scratch git repository and the second commit is written out with
`git format-patch --binary --full-index -M`: changed, added, deleted, renamed and binary files and
permission bits, with the full blob ids that `git apply --3way` needs to merge into a copy the region
has edited. Git runs with no user or system configuration, a fixed identity and date, and a timeout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from .. import rendering

GIT_TIMEOUT_SECONDS = 60
_CHANGE_KINDS = {"A": "added", "D": "deleted", "M": "modified", "T": "modified", "R": "renamed", "C": "added"}


class PatchError(Exception):
    """Git could not make the patch (the message is for the log and the job's error)."""


@dataclass(frozen=True)
class FileChange:
    path: str
    change: str  # added, deleted, modified, renamed
    old_path: str = ""
    binary: bool = False

    def as_json(self) -> dict:
        return {"path": self.path, "change": self.change, "old_path": self.old_path, "binary": self.binary}


@dataclass(frozen=True)
class Patch:
    text: bytes  # a git format-patch mail: a commit message, then the diff
    files: list[FileChange]


def _git(repo: Path, *args: str, date: str) -> bytes:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(repo.parent),  # no user configuration
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Lumbung",
        "GIT_AUTHOR_EMAIL": "lumbung@localhost",
        "GIT_COMMITTER_NAME": "Lumbung",
        "GIT_COMMITTER_EMAIL": "lumbung@localhost",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "LC_ALL": "C",
    }
    command = ["git", "-c", "core.autocrlf=false", "-c", "core.fileMode=true", "-c", "core.quotepath=false",
               "-c", "diff.renames=true", "-c", "init.defaultBranch=main", *args]  # fmt: skip
    try:
        completed = subprocess.run(
            command, cwd=repo, env=env, capture_output=True, timeout=GIT_TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PatchError(_("git could not run: %(error)s") % {"error": exc}) from exc
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip()[-500:]
        raise PatchError(_("git %(command)s failed: %(error)s") % {"command": args[0], "error": message})
    return completed.stdout


def _replace_tree(repo: Path, source: Path) -> None:
    """Make the work tree of `repo` exactly `source` (its .git kept)."""
    for entry in repo.iterdir():
        if entry.name == ".git":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    shutil.copytree(source, repo, dirs_exist_ok=True, symlinks=True)


def _file_changes(repo: Path, *, date: str) -> list[FileChange]:
    binary = set()
    for line in _git(repo, "diff", "--numstat", "-z", "--no-renames", "HEAD~1", "HEAD", date=date).split(
        b"\0"
    ):
        if line.startswith(b"-\t-\t"):
            binary.add(line[4:].decode("utf-8", "surrogateescape"))
    fields = _git(repo, "diff", "--name-status", "-z", "-M", "HEAD~1", "HEAD", date=date).split(b"\0")
    changes, index = [], 0
    while index < len(fields) and fields[index]:
        status = fields[index].decode()[0]
        if status in ("R", "C"):
            old, new = (name.decode("utf-8", "surrogateescape") for name in fields[index + 1 : index + 3])
            index += 3
        else:
            old, new = "", fields[index + 1].decode("utf-8", "surrogateescape")
            index += 2
        changes.append(
            FileChange(new, _CHANGE_KINDS.get(status, "modified"), old, new in binary or old in binary)
        )
    return sorted(changes, key=lambda change: change.path)


def make_patch(old_root: Path, new_root: Path, *, workdir: Path, subject: str, body: str, date: str) -> Patch:
    """The patch that turns the tree `old_root` into `new_root`, as a commit with `subject` and `body`
    (the changelog) dated `date` (ISO 8601): the same inputs give the same bytes."""
    repo = workdir / "repo"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", date=date)
    _replace_tree(repo, old_root)
    _git(repo, "add", "-A", "--force", date=date)  # a shipped .gitignore hides nothing
    _git(repo, "commit", "-q", "--allow-empty", "-m", "base", date=date)
    _replace_tree(repo, new_root)
    # An empty index makes git hash every file: with the old entries kept, a file of the same size whose
    # copy got the old one's inode and (coarse) timestamps looked unchanged and was left out of the patch.
    _git(repo, "read-tree", "--empty", date=date)
    _git(repo, "add", "-A", "--force", date=date)  # a shipped .gitignore hides nothing
    message = f"{subject}\n\n{body}".strip() + "\n"
    (workdir / "message.txt").write_text(message, encoding="utf-8")
    _git(repo, "commit", "-q", "--allow-empty", "-F", str(workdir / "message.txt"), date=date)
    text = _git(repo, "format-patch", "-1", "--stdout", "--binary", "--full-index", "-M", "--no-signature",
                "--zero-commit", "HEAD", date=date)  # fmt: skip
    return Patch(text=text, files=_file_changes(repo, date=date))


def render_tree(template_dir: Path, context: dict, out: Path, *, extra_files: dict[str, bytes],
                limits: rendering.RenderLimits) -> Path:  # fmt: skip
    """A render of the copy as the region received it: the project, plus the files Lumbung adds
    (`.lumbung.json`)."""
    result = rendering.render_template(template_dir, context, out, limits=limits)
    for name, data in extra_files.items():
        (result.root / name).write_bytes(data)
    return result.root


def split_patch(text: str) -> dict[str, str]:
    """The diff of each file in a patch, by its (new) path: what the pages show a file at a time."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines(keepends=True):
        if line.startswith("diff --git "):
            current = sections.setdefault(line.rstrip("\n").split(" b/", 1)[-1], [])
            current.append(line)
        elif current is not None:
            current.append(line)
    return {path: "".join(lines) for path, lines in sections.items()}
