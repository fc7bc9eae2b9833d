"""Controlled vocabularies of the template library."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.choices import MemberRole


class ForkStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED_STATUSES = (ForkStatus.SUCCEEDED, ForkStatus.FAILED, ForkStatus.CANCELLED)
# The members of a region who may fork templates for it (staff may for any region).
FORKER_ROLES = (MemberRole.DEVELOPER, MemberRole.EDITOR, MemberRole.ADMIN)
