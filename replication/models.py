"""Replication and mentoring: a region (penerima) copying another region's (asal) app, with mentors to
ask, bimtek sessions, questions answered, an action plan, phases up to evaluation.

Rights follow the sides: registry/permissions.py decides, from the regions each side names.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from catalog.models import App
from registry.models import Agency, MoU, Region, StudyVisit
from registry.permissions import RestrictedQuerySet

from .choices import (
    CLOSED_PHASES,
    NoticeKind,
    Phase,
    QuestionState,
    ReplicationModel,
    RequestState,
    SessionMode,
    Side,
)
from .validators import MaterialName, validate_material


class MentorContactQuerySet(RestrictedQuerySet):
    region_lookup = "region"


class MentorContact(models.Model):
    """A person of the originating region whom others may ask about an app ("tempat bertanya").

    Their e-mail and telephone are personal data: shown to signed-in members of any region only.
    """

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="mentor_contacts"
    )
    app = models.ForeignKey(
        App, verbose_name=_("app"), on_delete=models.CASCADE, related_name="mentor_contacts"
    )
    name = models.CharField(_("name"), max_length=120)
    position = models.CharField(_("position"), max_length=160, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency (OPD)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(
        _("phone / WhatsApp"),
        max_length=20,
        blank=True,
        help_text=_("Indonesian number, e.g. 0812 3456 7890."),
    )
    topics = models.CharField(_("topics"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MentorContactQuerySet.as_manager()

    class Meta:
        ordering = ["app", "name", "id"]
        verbose_name = _("mentor contact")
        verbose_name_plural = _("mentor contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.region.name})"


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
    before_on = models.DateField(_("measured before on"))
    after_value = models.DecimalField(_("after"), max_digits=16, decimal_places=2)
    after_on = models.DateField(_("measured after on"))

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
