"""`manage.py check --deploy` is clean at WARNING level with production settings."""

import os
import secrets
import subprocess
import sys

from tests.conftest import ROOT


def production_check(**extra) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests' fixture for this process, never in production.
        if not key.startswith(("SECURE_", "DEBUG", "SESSION_", "CSRF_", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    env.update(SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="lumbung.example", DEBUG="0", **extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_at_warning_level():
    result = production_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_hsts_defaults_to_a_year_with_subdomains_and_no_preload():
    script = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SECURE_", "DEBUG"))}
    env.update(SECRET_KEY="x" * 60, DEBUG="0", DJANGO_SETTINGS_MODULE="config.settings")
    run = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.stdout.split() == ["31536000", "True", "False"], run.stderr
