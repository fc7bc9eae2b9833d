"""A rendering worker's hold on a job (a fork, or an update of one): a short lease that a heartbeat
renews while the worker lives.

A worker that dies (``kill -9``, a lost machine) stops renewing, so its claim runs out within
``LUMBUNG_FORK_LEASE_SECONDS`` (15 s by default) and the fork is taken over: by the task's own redelivery
(which waits for the lease to run out, see ``tasks.render_fork``) or by the sweeper. A live worker never
loses a fork it is rendering, however long the render takes; and if a renewal finds the fork gone
(cancelled, or taken over after a stall longer than the lease), the render is told to stop, so two renders
of one fork never run on.
"""

from __future__ import annotations

import datetime
import logging
import threading

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from .choices import ForkStatus
from .models import Fork

logger = logging.getLogger(__name__)


# A claimed job's progress until its render says more.
CLAIM_PROGRESS = 30


def lease_seconds() -> int:
    return settings.LUMBUNG_FORK_LEASE_SECONDS


def lease_expiry(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) + datetime.timedelta(seconds=lease_seconds())


class LeaseKeeper:
    """Renews the lease of `fork_id` (held under `attempt`) every third of the lease, in a thread.

    Used as a context manager around the render; `lost` is set when a renewal matched no row, and the
    render checks it through `is_lost` between files.
    """

    def __init__(self, fork_id, attempt: int, *, model: type[models.Model] = Fork) -> None:
        self.model = model
        self.fork_id = fork_id
        self.attempt = attempt
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{fork_id}", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def is_lost(self) -> bool:
        return self.lost.is_set()

    def renew(self) -> bool:
        """One renewal; False when this delivery no longer holds the fork."""
        held = self.model.objects.filter(pk=self.fork_id, status=ForkStatus.RUNNING, attempts=self.attempt)
        return bool(held.update(lease_expires_at=lease_expiry()))

    def _run(self) -> None:
        interval = max(lease_seconds() / 3, 0.2)
        try:
            while not self._stop.wait(interval):
                try:
                    if not self.renew():
                        self.lost.set()
                        return
                except Exception:
                    # A database hiccup: try again at the next beat; the lease covers two more of them.
                    logger.warning("Could not renew the lease of fork %s.", self.fork_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection


def log_line(message: str) -> str:
    """A line of a job's log, stamped in the site's time zone like every other time a user sees."""
    return f"{timezone.localtime().isoformat(timespec='seconds')} {message}"


def claim(job, *, message: str, progress: int = CLAIM_PROGRESS) -> bool:
    """Take `job` (a fork or an update, as just read) for this delivery: a queued one, or a running one
    whose lease ran out.

    A compare-and-set on the state that was read, so of two concurrent deliveries only one matches; the
    same statement records the start and the first log line (`message`), so a claim is one round trip.
    """
    now = timezone.now()
    if job.status == ForkStatus.QUEUED:
        unchanged = {"status": ForkStatus.QUEUED}
    elif job.status == ForkStatus.RUNNING and job.lease_expires_at and job.lease_expires_at < now:
        unchanged = {"status": ForkStatus.RUNNING, "lease_expires_at": job.lease_expires_at}
    else:
        return False  # finished, cancelled, or another delivery holds it
    changes = {
        "status": ForkStatus.RUNNING,
        "lease_expires_at": lease_expiry(now),
        "started_at": now,
        "attempts": job.attempts + 1,
        "progress": progress,
        "error": "",
        "log": [*job.log, log_line(message)],
    }
    if not type(job).objects.filter(pk=job.pk, attempts=job.attempts, **unchanged).update(**changes):
        return False
    for name, value in changes.items():
        setattr(job, name, value)
    return True
