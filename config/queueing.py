"""Queuing Celery tasks after commit, without ever failing a request that has already been saved."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args: str, **options) -> None:
    """Queue `task(*args)` (with `apply_async` `options`) once the current transaction commits (at once
    when there is none).

    The row the task works on is saved by then, so a broker that is down must not turn the answer into a
    500: the caller has a sweeper that queues work left undone (`templates_repo.tasks.sweep_forks`), and
    this only logs that the task waits for it.
    """

    def send() -> None:
        try:
            task.apply_async(args=args, **options)
        except Exception:
            logger.warning(
                "Broker unreachable: %s%r not queued now; the sweeper will queue it.",
                task.name,
                args,
                exc_info=True,
            )

    transaction.on_commit(send)
