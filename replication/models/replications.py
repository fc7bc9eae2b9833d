"""A replication, its phase history and its action plan; the querysets that narrow them to a user's
regions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from catalog.models import App
from registry.models import MoU, Region
from registry.permissions import RestrictedQuerySet

from ..choices import CLOSED_PHASES, Phase, ReplicationModel, RequestState, Side
from .contacts import MentorContact

SIDES = ("asal", "penerima", "fasilitator")


class ReplicationQuerySet(RestrictedQuerySet):
    """`restrict(user, action)`: the replications in which one of `user`'s regions, with a role allowing
    `action`, is a side (what each side may do: registry.permissions.REPLICATION_RULES)."""

    region_lookup = SIDES

    def open(self) -> "ReplicationQuerySet":
        return self.exclude(phase__in=CLOSED_PHASES)


class Replication(models.Model):
    """The recipient region (penerima) replicating the originating region's (asal) app, mentored or not."""

    app = models.ForeignKey(App, verbose_name=_("app"), on_delete=models.PROTECT, related_name="replications")
    asal = models.ForeignKey(
        Region, verbose_name=_("originating region (asal)"), on_delete=models.PROTECT, related_name="+"
    )
    penerima = models.ForeignKey(
        Region,
        verbose_name=_("recipient region (penerima)"),
        on_delete=models.PROTECT,
        related_name="replications_received",
    )
    fasilitator = models.ForeignKey(
        Region,
        verbose_name=_("facilitating region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replications_facilitated",
    )
    fasilitator_name = models.CharField(
        _("facilitating body"),
        max_length=160,
        blank=True,
        help_text=_("A national body that brokers the replication, when the facilitator is not a region."),
    )
    model = models.CharField(_("model"), max_length=12, choices=ReplicationModel.choices)
    mou = models.ForeignKey(
        MoU,
        verbose_name=_("MoU"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replications",
    )
    phase = models.CharField(_("phase"), max_length=24, choices=Phase.choices, default=Phase.PERSIAPAN)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    request_state = models.CharField(
        _("request"), max_length=12, choices=RequestState.choices, default=RequestState.NOT_NEEDED
    )
    request_message = models.TextField(_("request message"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    mentor = models.ForeignKey(
        MentorContact,
        verbose_name=_("mentor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replications",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=600, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = ReplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("replication")
        verbose_name_plural = _("replications")
        constraints = [
            models.UniqueConstraint(
                fields=["app", "penerima"],
                condition=~Q(phase__in=CLOSED_PHASES),
                name="replication_one_open_per_app_and_region",
                violation_error_message=_("This region already has an open replication of this app."),
            ),
            models.CheckConstraint(
                condition=~Q(asal=models.F("penerima")),
                name="replication_not_of_own_app",
                violation_error_message=_("A region does not replicate its own app."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.app.name}: {self.asal.name} → {self.penerima.name}"

    def get_absolute_url(self) -> str:
        return reverse("replication:replication-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.phase not in CLOSED_PHASES

    def region_codes(self, *sides: Side) -> list[str]:
        """The codes of the regions on `sides` (all sides when none is named)."""
        codes = {
            Side.ASAL: self.asal_id,
            Side.PENERIMA: self.penerima_id,
            Side.FASILITATOR: self.fasilitator_id,
        }
        return [codes[side] for side in (sides or Side.values) if codes[side]]


class PhaseChange(models.Model):
    """One move of a replication from a phase to another: who, when and why."""

    replication = models.ForeignKey(
        Replication, verbose_name=_("replication"), on_delete=models.CASCADE, related_name="phase_changes"
    )
    from_phase = models.CharField(_("from"), max_length=24, choices=Phase.choices, blank=True)
    to_phase = models.CharField(_("to"), max_length=24, choices=Phase.choices)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")

    def __str__(self) -> str:
        return f"{self.replication_id}: {self.from_phase or '—'} → {self.to_phase}"


class ReplicationPartQuerySet(RestrictedQuerySet):
    """A replication's action items, sessions, questions: reached through the replication's sides."""

    region_lookup = tuple(f"replication__{side}" for side in SIDES)


class ActionItemQuerySet(ReplicationPartQuerySet):
    def visible(self, user):
        """The action plan is the two regions' working paper: their members and staff read it."""
        return self.of_member_regions(user)


class ActionItem(models.Model):
    """An item of a replication's action plan: what, which side, who, by when, done when."""

    replication = models.ForeignKey(
        Replication, verbose_name=_("replication"), on_delete=models.CASCADE, related_name="action_items"
    )
    title = models.CharField(_("title"), max_length=200)
    side = models.CharField(_("responsible side"), max_length=12, choices=Side.choices)
    person = models.CharField(_("person responsible"), max_length=120, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self) -> str:
        return self.title
