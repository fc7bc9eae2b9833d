"""Real git repositories for the update tests: a region's copy as its developers keep it."""

import os
import stat
import subprocess
import zipfile
from pathlib import Path

IDENTITY = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Batang",
    "GIT_AUTHOR_EMAIL": "dev@batangkab.go.id",
    "GIT_COMMITTER_NAME": "Batang",
    "GIT_COMMITTER_EMAIL": "dev@batangkab.go.id",
}


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, **IDENTITY, "HOME": str(repo.parent)}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=check)


def commit_all(repo: Path, message: str) -> None:
    """`git init` (when there is no repository yet), then commit everything."""
    if not (repo / ".git").exists():
        git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def unzip_copy(fork, target: Path) -> Path:
    """The copy's zip unzipped with its permission bits, `git init` and committed."""
    with zipfile.ZipFile(fork.archive.path) as archive:
        for info in archive.infolist():
            archive.extract(info, target)
            mode = info.external_attr >> 16
            if mode and not info.is_dir():
                (target / info.filename).chmod(stat.S_IMODE(mode))
    (root,) = target.iterdir()
    commit_all(root, "Salinan awal")
    return root


def tree(root: Path) -> dict[str, tuple[bytes, bool]]:
    """Every file under root but .git: its bytes and whether it is executable."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), bool(path.stat().st_mode & stat.S_IXUSR))
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }
