"""The benchmark's no-op task: with `bench.views.enqueue`, the floor of the fork pipeline.

Loaded by the benchmark's workers only (`celery worker --include bench.tasks`).
"""

import time

from celery import shared_task
from django.core.cache import cache


@shared_task(acks_late=True, ignore_result=True)
def record_start(key: str) -> None:
    """Record when a worker started this task, for the benchmark to read."""
    cache.set(key, time.time(), timeout=300)
