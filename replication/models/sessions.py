"""Bimtek sessions and their materials, and the sessions cancelled (deleted before they took place)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models import Agency, StudyVisit

from ..choices import SessionMode
from ..validators import MaterialName, validate_material
from .contacts import MentorContact
from .replications import Replication, ReplicationPartQuerySet


class MentoringSession(models.Model):
    """A bimtek session: mentors of the originating region training the recipient's officials."""

    replication = models.ForeignKey(
        Replication, verbose_name=_("replication"), on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    date_only = models.BooleanField(
        _("date only"),
        default=False,
        help_text=_(
            "The time is not known (a session recorded from a news story): shown, and put in "
            "calendars, as a whole day."
        ),
    )
    mode = models.CharField(_("mode"), max_length=10, choices=SessionMode.choices)
    study_visit = models.ForeignKey(
        StudyVisit,
        verbose_name=_("study visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentoring_sessions",
    )
    topic = models.CharField(_("topic"), max_length=200)
    location = models.CharField(_("place or meeting link"), max_length=300, blank=True)
    mentors = models.ManyToManyField(
        MentorContact, verbose_name=_("mentors"), blank=True, related_name="sessions"
    )
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("recipient agencies taking part"), blank=True, related_name="+"
    )
    minutes = models.TextField(_("minutes"), blank=True)
    source = models.CharField(_("source"), max_length=600, blank=True)
    sequence = models.PositiveIntegerField(
        _("revision"), default=0, editable=False, help_text=_("Raised on every change (iCalendar SEQUENCE).")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReplicationPartQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("mentoring session (bimtek)")
        verbose_name_plural = _("mentoring sessions (bimtek)")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_it_starts",
                violation_error_message=_("A session ends after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.starts_at:%Y-%m-%d})"


class SessionMaterial(models.Model):
    """A session's material: an uploaded PDF or slide deck (checked by content and size), or a link."""

    session = models.ForeignKey(
        MentoringSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"), upload_to=MaterialName("materials/%Y/"), blank=True, validators=[validate_material]
    )
    url = models.URLField(_("link"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("session material")
        verbose_name_plural = _("session materials")
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="material_file_or_link",
                violation_error_message=_("Give a file or a link, not both."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SessionCancellation(models.Model):
    """A session deleted before it took place, kept to tell its members: once the session is gone, the
    notice and its METHOD:CANCEL .ics still need its calendar UID, revision, time and topic."""

    replication = models.ForeignKey(
        Replication,
        verbose_name=_("replication"),
        on_delete=models.CASCADE,
        related_name="session_cancellations",
    )
    session_pk = models.PositiveBigIntegerField(
        _("session number"),
        unique=True,
        help_text=_("The deleted session's id, which its calendar UID holds."),
    )
    sequence = models.PositiveIntegerField(
        _("revision"), help_text=_("The session's last revision plus one (iCalendar SEQUENCE).")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    date_only = models.BooleanField(_("date only"), default=False)
    mode = models.CharField(_("mode"), max_length=10, choices=SessionMode.choices)
    topic = models.CharField(_("topic"), max_length=200)
    location = models.CharField(_("place or meeting link"), max_length=300, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), auto_now_add=True)

    objects = ReplicationPartQuerySet.as_manager()

    class Meta:
        ordering = ["-cancelled_at", "-id"]
        verbose_name = _("cancelled session")
        verbose_name_plural = _("cancelled sessions")

    def __str__(self) -> str:
        return f"{self.topic} ({self.starts_at:%Y-%m-%d})"
