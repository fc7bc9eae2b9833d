"""Celery tasks of the template library: they take ids and call services, nothing else. The services
queue them by name (`services.forks.RENDER_TASK`) and never import this module."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connections
from django.utils.translation import gettext as _

from replication.notices import NoticeNotSent

from . import services
from .choices import RunOutcome


# No result stored: the fork row holds the outcome, and a result row per fork would only cost two queries.
# A delivery that finds the fork held by another waits for that lease: this is how the redelivery of a task
# whose worker was killed takes the fork over in seconds (bounded: a live holder finishes within the time
# limit, and every retry first checks the fork again).
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=200)
def render_fork(self, fork_id: str) -> str:
    """Render one fork. A second delivery of a finished fork does nothing."""
    try:
        return str(services.fork_run(fork_id=fork_id))  # plain text in the worker's log
    except services.ForkHeld as held:
        raise self.retry(countdown=held.retry_in) from None
    except SoftTimeLimitExceeded:
        connections.close_all()  # the time limit may have interrupted a query: start afresh
        services.fork_fail_unexpectedly(
            fork_id=fork_id, reason=_("The render took longer than the time limit.")
        )
        return str(RunOutcome.FAILED)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=200)
def render_update(self, update_id: str) -> str:
    """Prepare one update of a copy (two renders and the patch), as `render_fork` renders a fork."""
    try:
        return str(services.update_run(update_id=update_id))
    except services.ForkHeld as held:
        raise self.retry(countdown=held.retry_in) from None
    except SoftTimeLimitExceeded:
        connections.close_all()
        services.update_fail_unexpectedly(
            update_id=update_id, reason=_("The update took longer than the time limit.")
        )
        return str(RunOutcome.FAILED)


@shared_task
def sweep_forks() -> int:
    """Every minute: finish what lost tasks left undone (broker outage, worker crash)."""
    return services.fork_sweep()


@shared_task(
    autoretry_for=(NoticeNotSent,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=6,
    ignore_result=True,
)
def notify_new_version(version_id: str) -> int:
    """E-mail the regions whose copies are behind a newly recorded version (each person once)."""
    return services.fleet_notify_new_version(version_id=int(version_id))
