"""`make run`'s supervisor (config/devstack.py) with stand-in processes."""

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _start(tmp_path, procfile: str) -> subprocess.Popen:
    (tmp_path / "Procfile").write_text(procfile)
    return subprocess.Popen(
        [sys.executable, "-m", "config.devstack", str(tmp_path / "Procfile")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def _wait_for_output(process, needle: str, timeout: float = 30) -> str:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if needle in line:
            return "".join(seen)
    raise AssertionError(f"{needle!r} not seen in:\n{''.join(seen)}")


def test_a_process_that_dies_is_named_with_its_reason_and_started_again(tmp_path):
    crash = (
        f"{sys.executable} -c \"print('ready'); print('Unrecoverable error: JSONDecodeError', flush=True); "
        f'raise SystemExit(3)"'
    )
    stack = _start(tmp_path, f"web: {sys.executable} -c 'import time; time.sleep(60)'\nworker: {crash}\n")
    try:
        report = _wait_for_output(stack, "Starting it again")
        assert "the Celery worker (worker) stopped by itself: exit code 3." in report
        assert "Unrecoverable error: JSONDecodeError" in report  # its last lines, in the report
        _wait_for_output(stack, "Starting it again")  # and again: the web server stays up meanwhile
        assert stack.poll() is None
    finally:
        stack.send_signal(signal.SIGTERM)
        stack.wait(timeout=30)


def test_a_process_that_keeps_dying_stops_the_stack_with_a_report(tmp_path, monkeypatch):
    stack = _start(
        tmp_path,
        f"web: {sys.executable} -c 'import time; time.sleep(60)'\n"
        f"beat: {sys.executable} -c 'import os, signal; os.kill(os.getpid(), signal.SIGKILL)'\n",
    )
    output = _wait_for_output(stack, "everything stops now", timeout=60)
    assert "Celery beat (beat) stopped by itself: killed by signal SIGKILL." in output
    assert stack.wait(timeout=30) == 1


def test_sigterm_stops_every_process(tmp_path):
    stack = _start(
        tmp_path, f"web: {sys.executable} -c 'import time; print(\"up\", flush=True); time.sleep(60)'\n"
    )
    _wait_for_output(stack, "up")
    started = time.monotonic()
    stack.send_signal(signal.SIGTERM)
    assert stack.wait(timeout=30) == 0
    assert time.monotonic() - started < 10
