"""The e-mails sent about replications, recorded so that each goes out once."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import NoticeKind


class Notice(models.Model):
    """An e-mail sent about a replication; recorded so that each is sent once."""

    kind = models.CharField(_("kind"), max_length=24, choices=NoticeKind.choices)
    key = models.CharField(
        _("about"), max_length=80, help_text=_("The object and, where it changes, its revision.")
    )
    recipient = models.EmailField(_("recipient"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "recipient"],
                name="replication_notice_once",
                violation_error_message=_("This notice was already sent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"
