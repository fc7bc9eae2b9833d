"""Celery tasks of the registry: thin wrappers around services."""

from celery import shared_task

from . import services


@shared_task
def send_mou_expiry_notices() -> int:
    """Daily: notify party regions of MoUs ending within 30 days and of newly expired ones."""
    return services.mou_send_expiry_notices()
