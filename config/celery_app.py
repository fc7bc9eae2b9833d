"""The Celery application. Configuration comes from Django settings (CELERY_* names)."""

import os
from pathlib import Path

from celery import Celery, states
from celery.signals import task_postrun

from . import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
broker.register()  # the embedded broker's lumbungfs:// scheme, before any connection is made

app = Celery("lumbung")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _create_filesystem_broker_folders(sender: Celery, **kwargs) -> None:
    # kombu's filesystem transport does not create its folders; the embedded broker needs them.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@task_postrun.connect
def _close_connections_after_failure(state: str | None = None, **kwargs) -> None:
    # Connections are reused between tasks (CELERY_DB_REUSE_MAX); one a failed task leaves behind may be
    # broken in ways Django cannot see, so it is not handed to the next task.
    if state != states.SUCCESS:
        from django.db import connections

        connections.close_all()
