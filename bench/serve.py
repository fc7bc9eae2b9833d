"""Serving and load for the HTTP benchmarks: gunicorn with 2 sync workers on a free loopback port, and
wrk rotating over a list of paths (reporting latency, throughput, errors and, from each response's
X-Cache-Lookups, the cached catalog answers used)."""

import json
import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local i = 0
-- Cached catalog answers used, from each response's X-Cache-Lookups (bench/middleware.py).
hits, lookups, whole = 0, 0, 0
local threads = {}
setup = function(thread) threads[#threads + 1] = thread end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
response = function(status, headers, body)
  local h, n = string.match(headers["X-Cache-Lookups"] or "0/0", "(%d+)/(%d+)")
  h, n = tonumber(h), tonumber(n)
  hits, lookups = hits + h, lookups + n
  if n > 0 and h == n then whole = whole + 1 end
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  local h, n, w = 0, 0, 0
  for _, thread in ipairs(threads) do
    h, n, w = h + thread:get("hits"), n + thread:get("lookups"), w + thread:get("whole")
  end
  io.write(string.format('{"p50": %f, "p95": %f, "rps": %f, "requests": %d, "errors": %d, '
    .. '"hits": %d, "lookups": %d, "whole": %d}\\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.requests / (summary.duration / 1e6), summary.requests, errors, h, n, w))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict, port: int) -> subprocess.Popen:
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (open as long as the server runs)
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        # A file, not a pipe nobody reads: a server that logs errors would fill the pipe and hang.
        stderr=errors,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    errors.seek(0)
    raise SystemExit(f"gunicorn did not start: {errors.read().decode()[-2000:]}")


def wrk(
    port: int,
    paths: list[str],
    duration: int,
    connections: int,
    workdir: Path,
    warm_up: list[str] | None = None,
) -> dict:
    script, path_file = workdir / "rotate.lua", workdir / "paths.txt"
    script.write_text(WRK_SCRIPT)
    path_file.write_text("\n".join(paths) + "\n")
    # Warm-up: connection setup, Python imports and (in the rotating mode's cached run) the first
    # computation of each URL; the long tail warms up on URLs of its own.
    for warm in paths[:200] if warm_up is None else warm_up:
        subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{port}{warm}"], check=False)
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "-s", str(script), f"http://127.0.0.1:{port}/"],
        capture_output=True,
        text=True,
        env={**os.environ, "WRK_PATHS": str(path_file)},
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
