"""What a replication changed: the evaluation and its before/after figures."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .replications import Replication


class Evaluation(models.Model):
    """What the replication changed, recorded by the recipient at the evaluation phase."""

    replication = models.OneToOneField(
        Replication, verbose_name=_("replication"), on_delete=models.CASCADE, related_name="evaluation"
    )
    service_live = models.BooleanField(_("the replicated service is live"), default=False)
    lessons = models.TextField(_("lessons learned"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return str(self.replication)


class EvaluationFigure(models.Model):
    """A before/after measure of the service, e.g. the share of reports answered within the SLA."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="figures"
    )
    label = models.CharField(_("measure"), max_length=160)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    before_value = models.DecimalField(_("before"), max_digits=16, decimal_places=2)
    before_on = models.DateField(_("before: measured on"))
    after_value = models.DecimalField(_("after"), max_digits=16, decimal_places=2)
    after_on = models.DateField(_("after: measured on"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("evaluation figure")
        verbose_name_plural = _("evaluation figures")
        constraints = [
            models.CheckConstraint(
                condition=Q(after_on__gte=models.F("before_on")),
                name="evaluation_figure_after_not_before",
                violation_error_message=_("The 'after' measure cannot be older than the 'before' one."),
            ),
        ]

    def __str__(self) -> str:
        return self.label
