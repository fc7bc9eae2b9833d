"""Celery tasks of the template library: they take ids and call services, nothing else."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connections
from django.utils.translation import gettext as _

from . import services


# No result stored: the fork row holds the outcome, and a result row per fork would only cost two queries.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def render_fork(fork_id: str) -> str:
    """Render one fork. A second delivery of a finished or running fork does nothing."""
    try:
        return services.fork_run(fork_id=fork_id)
    except SoftTimeLimitExceeded:
        connections.close_all()  # the time limit may have interrupted a query: start afresh
        services.fork_fail_unexpectedly(
            fork_id=fork_id, reason=_("The render took longer than the time limit.")
        )
        return "failed"


@shared_task
def sweep_forks() -> int:
    """Every minute: finish what lost tasks left undone (broker outage, worker crash)."""
    return services.fork_sweep()
