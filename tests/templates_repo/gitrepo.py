"""Real git repositories for the update tests: a region's copy as its developers keep it."""

import os
import subprocess
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
