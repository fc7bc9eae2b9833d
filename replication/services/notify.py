"""Queue a notice about a replication once the write commits (replication/notices/ composes and sends
it; each is recorded, so a repeated delivery sends nothing twice)."""

from config.celery_app import app as celery_app
from config.queueing import enqueue_on_commit

from ..choices import NoticeKind

# Queued by name: services do not import tasks (tasks import services).
NOTICE_TASK = "replication.tasks.send_notice"


def notify(kind: NoticeKind, object_id: int) -> None:
    enqueue_on_commit(celery_app.signature(NOTICE_TASK), str(kind), str(object_id))
