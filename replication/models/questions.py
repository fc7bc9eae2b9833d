"""Questions of the recipient to its mentors, and the answers in their threads."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import QuestionState, Side
from .replications import Replication, ReplicationPartQuerySet


class QuestionQuerySet(ReplicationPartQuerySet):
    def visible(self, user):
        """Answered questions not marked internal are public ("belajar dari daerah lain"); the rest
        are read by the members of the replication's regions and staff."""
        public = self.filter(state__in=(QuestionState.ANSWERED, QuestionState.CLOSED), internal=False)
        if not user.is_authenticated:
            return public
        return self.filter(pk__in=public.values("pk")) | self.of_member_regions(user)


class Question(models.Model):
    """A question of the recipient to its mentors ("tanya mentor"); public once answered unless internal."""

    replication = models.ForeignKey(
        Replication, verbose_name=_("replication"), on_delete=models.CASCADE, related_name="questions"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("question"))
    internal = models.BooleanField(
        _("internal"), default=False, help_text=_("Kept between the two regions, not shown on the app page.")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=QuestionState.choices, default=QuestionState.OPEN
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    first_answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.title


class Answer(models.Model):
    """A message in a question's thread, by either side."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    body = models.TextField(_("answer"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.question.title} — {self.created_at:%Y-%m-%d}"
