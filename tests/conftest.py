import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection
from rest_framework.test import APIClient

from registry.models import Region
from registry.services import region_load_from_lokal
from tests import factories

ROOT = Path(__file__).resolve().parent.parent


# Test-only settings: config/settings.py holds none (pytest-env in pyproject.toml sets the environment's).
def pytest_configure(config):
    # An empty STATIC_ROOT of the session's own: the suite runs with DEBUG off, where WhiteNoise warns of a
    # missing one when the middleware is built (at collection already: tests/test_openapi.py). Static files
    # come from the finders in the live server and are never collected.
    config.lumbung_static_root = Path(tempfile.mkdtemp(prefix="lumbung-test-static-"))
    django_settings.STATIC_ROOT = config.lumbung_static_root
    if worker := os.environ.get("PYTEST_XDIST_WORKER"):
        _own_broker(worker)


def _own_broker(worker: str) -> None:
    """Under pytest-xdist (`make test` runs one test process per core), each test process queues its tasks
    on a broker of its own, and the Celery workers it starts read only those: a worker started by one
    process never takes another's task (which names a fork in the other's database). The embedded broker
    gets a folder of its own, Redis a database number of its own."""
    from config.celery_app import app

    assert not app.configured, "the Celery app read its settings before the test processes were told apart"
    number = int(worker.removeprefix("gw"))
    if django_settings.CELERY_BROKER_URL.startswith("lumbungfs://"):
        folder = Path(os.environ.get("CELERY_FS_BROKER_DIR", "var/test-celery-broker"))
        folder = folder.with_name(f"{folder.name}-{worker}")
        os.environ["CELERY_FS_BROKER_DIR"] = str(folder)  # the workers' environment (worker_env)
        options = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
            options[key] = str(django_settings.BASE_DIR / folder / Path(options[key]).name)
    elif django_settings.CELERY_BROKER_URL.startswith("redis://"):
        parts = urlsplit(django_settings.CELERY_BROKER_URL)
        url = urlunsplit(parts._replace(path=f"/{int(parts.path.strip('/') or 0) + number}"))
        os.environ["CELERY_BROKER_URL"] = django_settings.CELERY_BROKER_URL = url


def pytest_unconfigure(config):
    if static_root := getattr(config, "lumbung_static_root", None):
        shutil.rmtree(static_root, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The SQLite test database: a file, not memory, so that a Celery worker process started by the tests
    sees the test data (worker_env passes it the file's name); one per test session, named after its
    process, so that two sessions on one machine never share it. PostgreSQL keeps Django's test_<name>."""
    db = django_settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        name = django_settings.VAR_DIR / f"test-lumbung-{os.getpid()}.sqlite3"
        db.setdefault("TEST", {})["NAME"] = str(name)


def pytest_sessionstart(session):
    """Under CI, the backends the run was asked for must be the ones in use, and reachable."""
    expected_db = os.environ.get("LUMBUNG_EXPECT_DB")
    if expected_db and django_settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1] != expected_db:
        pytest.exit(
            f"Expected database {expected_db}, got {django_settings.DATABASES['default']['ENGINE']}", 3
        )
    expected_broker = os.environ.get("LUMBUNG_EXPECT_BROKER")
    if expected_broker:
        from config.celery_app import app

        if not app.conf.broker_url.startswith(expected_broker):
            pytest.exit(f"Expected broker {expected_broker}, got {app.conf.broker_url}", 3)
        with app.connection_for_write() as conn:
            try:
                conn.ensure_connection(max_retries=3)
            except Exception as exc:
                pytest.exit(f"Broker {app.conf.broker_url} cannot be reached: {exc}", 3)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_catalog_caches():
    """Each test's apps are new: no cached catalog answer (a page, facets) nor process copy of the typo
    words or of the catalog's columns from an earlier test. A rolled-back test never bumps the catalog
    version they are kept under."""
    from django.core.cache import cache

    from catalog import cache as catalog_cache
    from catalog import columns
    from catalog.search import typos

    cache.clear()
    catalog_cache._seen(None, 0.0)
    typos._words = None
    columns.forget()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The real 552 regions, once for the session (tests run in transactions on top of them).
    with django_db_blocker.unblock():
        region_load_from_lokal()


@pytest.fixture
def regions(db):
    """The real regions; reloaded after a transactional test has flushed the database."""
    if not Region.objects.exists():
        region_load_from_lokal()


class JSONAPIClient(APIClient):
    """API tests send JSON unless they say otherwise."""

    default_format = "json"


@pytest.fixture
def api():
    return JSONAPIClient()


@pytest.fixture
def staff(regions):
    return factories.StaffFactory(username="staff")


def member_of(code: str, role: str, username: str | None = None):
    membership = factories.MembershipFactory(
        user__username=username or f"{role}-{code}", region=factories.region(code), role=role
    )
    return membership.user


@pytest.fixture
def batang_editor(regions):
    return member_of("33.25", "editor")


@pytest.fixture
def batang_developer(regions):
    return member_of("33.25", "developer")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def worker_env(tmp_path: Path, extra: dict | None = None) -> dict:
    """The environment of a worker process that uses the test database and its own mail folder."""
    db = connection.settings_dict
    env = dict(os.environ)
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    env["EMAIL_URL"] = "filemail://"
    env["EMAIL_FILE_PATH"] = str(tmp_path / "mail")
    env["MEDIA_ROOT"] = str(django_settings.MEDIA_ROOT)
    env.update(extra or {})
    return env


def start_worker(
    tmp_path: Path, extra_env: dict | None = None, name: str = "worker", pool: str = "solo"
) -> subprocess.Popen:
    """Start a real `celery worker` process on the configured broker and wait until it is ready."""
    log_path = tmp_path / f"{name}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker", f"--pool={pool}", "--concurrency=1",
                "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
                f"--hostname={name}-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=ROOT, env=worker_env(tmp_path, extra_env), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while "ready." not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"The Celery worker did not start:\n{log_path.read_text()}")
        time.sleep(0.1)
    process.mail_dir = tmp_path / "mail"
    process.log_path = log_path
    return process


def start_beat(tmp_path: Path, extra_env: dict | None = None) -> subprocess.Popen:
    """Start a real `celery beat` (the database scheduler, as `make run` has) on the test database."""
    log_path = tmp_path / "beat.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO", "--pidfile=",
                f"--schedule={tmp_path / 'beat-schedule'}",
            ],
            cwd=ROOT, env=worker_env(tmp_path, extra_env), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    process.log_path = log_path
    return process


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def celery_worker_process(transactional_db, regions, tmp_path):
    """A real `celery worker` process on the configured broker, using the test database."""
    from config.celery_app import app

    app.control.purge()
    process = start_worker(tmp_path)
    yield process
    stop_worker(process)


# A Redis server of a test's own (the broker and cache outage tests, the throttles on Redis) ----------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_server(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    process.kill()
    pytest.fail("redis-server did not start")


@pytest.fixture
def own_redis():
    """A Redis server of this test's own, which the test may stop and start again."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs redis-server for the tests on a Redis of their own")
        pytest.skip("redis-server is not installed")
    port = free_port()
    servers = [redis_server(port)]

    class Server:
        url = f"redis://127.0.0.1:{port}/0"

        def stop(self):
            servers[-1].terminate()
            servers[-1].wait(timeout=10)

        def start(self):
            servers.append(redis_server(port))

    yield Server()
    for process in servers:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
