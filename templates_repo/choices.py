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
