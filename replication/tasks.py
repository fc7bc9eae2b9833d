"""Celery tasks of replication: thin wrappers around replication/notices/.

`send_notice` is queued by name on commit by the services (services/notify.py, NOTICE_TASK);
`send_daily_notices` runs from beat every morning (CELERY_BEAT_SCHEDULE). A notice is recorded as it is
sent, so a delivery repeated by the broker or by a retry sends nothing twice; what the mail server did
not take is retried.
"""

from celery import shared_task

from . import notices

RETRY = {
    "autoretry_for": (notices.NoticeNotSent,),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "max_retries": 6,
}


@shared_task(**RETRY)
def send_notice(kind: str, object_id: str) -> int:
    """E-mail the notice of one event (request, answer, question, session) about `object_id`."""
    return notices.send_notice(kind, object_id)


@shared_task(**RETRY)
def send_daily_notices() -> dict[str, int]:
    """Daily: reminders of tomorrow's sessions, questions unanswered for some working days
    (choices.UNANSWERED_AFTER_WORKING_DAYS), overdue action items."""
    return notices.send_daily_notices()
