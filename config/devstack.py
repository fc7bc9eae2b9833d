"""`make run`'s supervisor: the Procfile's web server, Celery worker and beat, kept up together.

honcho (used before) stopped everything as soon as one process exited, so one crash of the worker took
the whole site down with only "worker.1 stopped (rc=1)" to go on. Here a process that exits on its own
is reported by name, with its exit code or signal and its last lines of output, and started again after
a short pause; if it keeps dying (5 times within 10 minutes) the whole stack stops with that report
rather than looping. Ctrl-C or SIGTERM stops all of them (SIGTERM, then SIGKILL after a grace period).

    python -m config.devstack [Procfile]

The commands come from the Procfile (ours, not user input): `${VAR}` is expanded from the environment
and the line split like a shell would, but no shell runs it.
"""

from __future__ import annotations

import collections
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

RESTART_PAUSE_SECONDS = 2.0
MAX_RESTARTS = 5
RESTART_WINDOW_SECONDS = 600.0
STOP_GRACE_SECONDS = 15.0
TAIL_LINES = 15
DESCRIPTIONS = {"web": "the web server", "worker": "the Celery worker", "beat": "Celery beat"}


def read_procfile(path: Path) -> dict[str, list[str]]:
    commands = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, command = line.partition(":")
        commands[name.strip()] = shlex.split(os.path.expandvars(command.strip()))
    return commands


class Process:
    """One Procfile entry: its running child, the tail of its output and its recent restarts."""

    def __init__(self, name: str, argv: list[str], out) -> None:
        self.name = name
        self.argv = argv
        self.out = out
        self.child: subprocess.Popen | None = None
        self.tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
        self.restarts: collections.deque[float] = collections.deque()
        self.width = 8

    @property
    def description(self) -> str:
        return DESCRIPTIONS.get(self.name, self.name)

    def start(self) -> None:
        self.child = subprocess.Popen(
            self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
            start_new_session=True,  # Ctrl-C reaches the supervisor only, which stops children in order
        )  # fmt: skip
        threading.Thread(target=self._pump, args=(self.child,), daemon=True).start()

    def _pump(self, child: subprocess.Popen) -> None:
        for line in child.stdout:
            self.tail.append(line.rstrip("\n"))
            self.out.write(f"{self.name:<{self.width}} | {line}")
            self.out.flush()

    def exit_reason(self) -> str:
        code = self.child.returncode
        if code is not None and code < 0:
            try:
                return f"killed by signal {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"

    def may_restart(self, now: float) -> bool:
        while self.restarts and now - self.restarts[0] > RESTART_WINDOW_SECONDS:
            self.restarts.popleft()
        return len(self.restarts) < MAX_RESTARTS


class Stack:
    def __init__(self, commands: dict[str, list[str]], out=sys.stdout) -> None:
        self.out = out
        self.processes = [Process(name, argv, out) for name, argv in commands.items()]
        width = max((len(name) for name in commands), default=4)
        for process in self.processes:
            process.width = width
        self.stopping = threading.Event()  # asked to stop (Ctrl-C, SIGTERM, or a process that keeps dying)
        self._stopped = False

    def say(self, message: str) -> None:
        self.out.write(f"\n*** Lumbung: {message}\n")
        self.out.flush()

    def run(self) -> int:
        for process in self.processes:
            process.start()
        try:
            while not self.stopping.wait(0.5):
                exited = [p for p in self.processes if p.child.poll() is not None]
                for process in exited:
                    if not self.stopping.is_set() and not self._handle_exit(process):
                        self.stop()
                        return 1
        finally:
            self.stop()
        return 0

    def _handle_exit(self, process: Process) -> bool:
        time.sleep(0.2)  # let the output pump catch the last lines
        last = "\n".join(f"    {line}" for line in process.tail) or "    (no output)"
        now = time.monotonic()
        report = f"{process.description} ({process.name}) stopped by itself: {process.exit_reason()}."
        if not process.may_restart(now):
            self.say(
                f"{report} It stopped {MAX_RESTARTS + 1} times within {RESTART_WINDOW_SECONDS / 60:.0f}"
                f" minutes, so everything stops now. Its last lines:\n{last}"
            )
            return False
        process.restarts.append(now)
        self.say(f"{report} Its last lines:\n{last}\nStarting it again in {RESTART_PAUSE_SECONDS:g} s.")
        if self.stopping.wait(RESTART_PAUSE_SECONDS):
            return True
        process.start()
        return True

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.stopping.set()
        running = [p for p in self.processes if p.child is not None and p.child.poll() is None]
        for process in running:
            process.child.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in running:
            try:
                process.child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                self.say(f"{process.description} did not stop within {STOP_GRACE_SECONDS:g} s; killing it.")
                process.child.kill()
                process.child.wait()


def main(argv: list[str]) -> int:
    procfile = Path(argv[0]) if argv else Path("Procfile")
    stack = Stack(read_procfile(procfile))
    signal.signal(signal.SIGTERM, lambda *_: stack.stopping.set())
    try:
        return stack.run()
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
