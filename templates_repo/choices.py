"""Controlled vocabularies of the template library."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ForkStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED_STATUSES = (ForkStatus.SUCCEEDED, ForkStatus.FAILED, ForkStatus.CANCELLED)


class RunOutcome(models.TextChoices):
    """What one delivery of the render task did with its fork (the task's return value, in the worker's
    log)."""

    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped: finished, cancelled or gone")
    DISCARDED = "discarded", _("Discarded: another delivery holds the fork")
