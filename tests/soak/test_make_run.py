"""Soak: `make run`'s three processes (config/devstack.py with the Procfile, SQLite and the embedded
broker, as a newcomer gets them) under a steady stream of forks, broadcasts and beat ticks.

Runs only when LUMBUNG_SOAK_SECONDS is set (CI: 600, in its own step; see .ci/run). It fails if any
process of the stack exits, if a broadcast goes unanswered, if a fork does not succeed, or if the fork
round trip of the last minute is more than twice the first minute's (a broker that slows as it runs).
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("LUMBUNG_SOAK_SECONDS") or 0)

pytestmark = [
    pytest.mark.soak,
    pytest.mark.skipif(not SECONDS, reason="soak runs when LUMBUNG_SOAK_SECONDS is set (CI sets 600)"),
    pytest.mark.timeout(SECONDS + 600 if SECONDS else 300),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stack_env(var_dir: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "CACHE_URL"))}
    env.update(
        DEBUG="1", PORT=str(port), LUMBUNG_VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1",
        PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
        LUMBUNG_FORK_SWEEP_SECONDS="2",  # beat ticks every 2 s
        API_THROTTLE_USER="100000/minute",  # the client polls each fork 10 times a second
    )  # fmt: skip
    return env


def _request(method, url, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - loopback only
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        return response.status, json.loads(response.read() or b"null")


def _control_app(var_dir: Path):
    """A Celery client on the stack's own broker folder, to send broadcasts as `celery inspect` would."""
    from celery import Celery

    from config import broker

    broker.register()
    app = Celery("soak", broker="lumbungfs://localhost//")
    folder = var_dir / "celery-broker"
    app.conf.broker_transport_options = {
        "data_folder_in": str(folder / "queue"), "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"), "processed_folder": str(folder / "processed"),
        "polling_interval": 0.05,
    }  # fmt: skip
    return app


def test_make_run_stays_up_under_forks_broadcasts_and_beat(tmp_path):
    var_dir, port = tmp_path / "var", _free_port()
    env = _stack_env(var_dir, port)
    for command in (
        "migrate --noinput",
        "load_regions",
        "load_demo",
        "sync_templates",
        "refresh_search",
        "ensure_demo_users",
        "load_demo_copies",
    ):
        subprocess.run([sys.executable, "manage.py", *command.split()], cwd=ROOT, env=env, check=True,
                       capture_output=True)  # fmt: skip
    log_path = tmp_path / "stack.log"
    log = log_path.open("w")
    stack = subprocess.Popen(
        [sys.executable, "-m", "config.devstack", "Procfile"], cwd=ROOT, env=env, stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while (
            "ready." not in log_path.read_text() or "Starting development server" not in log_path.read_text()
        ):
            assert stack.poll() is None and time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.2)
        _, answer = _request(
            "POST",
            f"{base}/api/v1/auth/token/",
            body={"username": "batang-dev", "password": "lumbung-batang"},
        )
        token = answer["token"]
        control = _control_app(var_dir)

        pings, unanswered, stop = [], [], threading.Event()

        def broadcast():
            while not stop.wait(3):
                replies = control.control.ping(timeout=2)
                (pings if replies else unanswered).append(time.monotonic())

        broadcaster = threading.Thread(target=broadcast, daemon=True)
        broadcaster.start()

        started = time.monotonic()
        round_trips: list[tuple[float, float]] = []  # (seconds since start, round trip)
        failures = []
        templates = ["pengaduan", "e-santunan", "perencanaan"]
        n = 0
        while time.monotonic() - started < SECONDS:
            assert stack.poll() is None, log_path.read_text()[-5000:]
            t0 = time.monotonic()
            status, fork = _request(
                "POST", f"{base}/api/v1/forks/", token,
                {"template": templates[n % 3], "region": "33.25", "context": {}},
            )  # fmt: skip
            assert status == 202
            while fork["status"] not in ("succeeded", "failed", "cancelled"):
                assert time.monotonic() - t0 < 120, f"fork {fork['id']} still {fork['status']}"
                time.sleep(0.1)
                _, fork = _request("GET", f"{base}/api/v1/forks/{fork['id']}/", token)
            round_trips.append((t0 - started, time.monotonic() - t0))
            if fork["status"] != "succeeded":
                failures.append(fork)
            n += 1
            time.sleep(max(0.0, 1.0 - (time.monotonic() - t0)))  # about one fork a second
        stop.set()
        broadcaster.join(timeout=10)
    finally:
        stack.terminate()
        stack.wait(timeout=60)
        log.close()

    output = log_path.read_text()
    assert "stopped by itself" not in output, output[-5000:]
    assert "Unrecoverable error" not in output and "JSONDecodeError" not in output
    assert not failures, failures[:3]
    assert not unanswered and len(pings) >= SECONDS / 6  # one every 3 s plus up to 2 s for replies
    first = [rt for at, rt in round_trips if at < 60]
    last = [rt for at, rt in round_trips if at >= SECONDS - 60]

    def p95(values):
        return statistics.quantiles(values, n=20)[-1]

    report = (
        f"soak: {len(round_trips)} forks in {SECONDS:.0f} s, {len(pings)} broadcasts answered; "
        f"fork round trip median {statistics.median(rt for _, rt in round_trips) * 1000:.0f} ms, "
        f"p95 first minute {p95(first) * 1000:.0f} ms, last minute {p95(last) * 1000:.0f} ms"
    )
    print(report)
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "soak-report.txt").write_text(report + "\n")
    assert p95(last) <= 2 * p95(first) + 0.2, report
