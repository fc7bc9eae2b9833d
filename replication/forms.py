"""Forms of the replication pages. They read and shape what was typed; the services decide (rules,
rights) and their errors come back on the fields (config.errors.form_errors)."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from config.errors import form_errors
from registry.models import Agency, Region

from . import selectors
from .choices import (
    PHASE_ORDER,
    REPLICATION_MODEL_HELP,
    Phase,
    ReplicationModel,
    RequestState,
    SessionMode,
    Side,
)
from .models import MentorContact, Replication

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label):
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        help_text=_("Western Indonesia Time (WIB)."),
    )


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, region: Region) -> str:
        return f"{region.name} ({region.code})"


class RequestForm(forms.Form):
    """Ask the app's owner region to mentor a region ("minta pendampingan")."""

    region = RegionChoiceField(queryset=Region.objects.none(), label=_("For region"), to_field_name="code")
    model = forms.ChoiceField(
        label=_("Model"),
        choices=ReplicationModel.choices,
        initial=ReplicationModel.KEMITRAAN,
        widget=forms.RadioSelect,
        # The choices are short names (as lists show them); what each means is said here.
        help_text=format_lazy("{} {} {}", *REPLICATION_MODEL_HELP.values()),
    )
    message = forms.CharField(
        label=_("Message to the originating region"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )
    fasilitator = RegionChoiceField(
        queryset=Region.objects.none(),
        label=_("Facilitating region"),
        to_field_name="code",
        required=False,
        help_text=_("For a facilitated replication: a province or another region that brokers it."),
    )
    fasilitator_name = forms.CharField(
        label=_("…or facilitating body"),
        max_length=160,
        required=False,
        help_text=_("A national body, when the facilitator is not a region."),
    )
    mou = forms.ModelChoiceField(
        queryset=None,
        label=_("Under the MoU"),
        required=False,
        help_text=_("Only an MoU both regions signed."),
    )

    def __init__(self, *args, regions, facilitators, mous, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["fasilitator"].queryset = facilitators
        self.fields["fasilitator"].empty_label = _("None")
        self.fields["mou"].queryset = mous
        self.fields["mou"].empty_label = _("No MoU")
        first = regions.first()
        if first is not None:
            self.fields["region"].initial = first.code


class MentorContactForm(forms.Form):
    """A person of the app's owner region whom others may ask."""

    name = forms.CharField(label=_("Name"), max_length=120)
    position = forms.CharField(label=_("Position"), max_length=160, required=False)
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Agency (OPD)"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(
        label=_("Phone / WhatsApp"),
        max_length=20,
        required=False,
        help_text=_("Indonesian number, e.g. 0812 3456 7890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    topics = forms.CharField(label=_("Topics to ask about"), max_length=300, required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class AcceptForm(forms.Form):
    mentor = forms.ModelChoiceField(queryset=MentorContact.objects.none(), label=_("Mentor"))

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Move to"), choices=())
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
        help_text=_("Needed to go back to an earlier phase or to cancel."),
    )

    def __init__(self, *args, current: str, pending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = phase_choices(current, pending=pending)


def phase_choices(current: str, *, pending: bool = False) -> list[tuple[str, str]]:
    """The next phase first (the usual move), then the earlier ones, then cancelling. While a request
    waits for its answer, only cancelling is offered (the service refuses moving on)."""
    labels = dict(Phase.choices)
    if current not in PHASE_ORDER:
        return []
    index = PHASE_ORDER.index(current)
    following = [] if pending else list(PHASE_ORDER[index + 1 : index + 2])
    earlier = list(reversed(PHASE_ORDER[:index]))
    return [(phase, labels[phase]) for phase in [*following, *earlier, Phase.DIBATALKAN]]


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("What is to be done"), max_length=200)
    side = forms.ChoiceField(label=_("Responsible side"), choices=Side.choices)
    person = forms.CharField(label=_("Person responsible"), max_length=120, required=False)
    due_on = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class SessionForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    starts_at = _datetime_field(_("Starts"))
    ends_at = _datetime_field(_("Ends"))
    mode = forms.ChoiceField(label=_("Mode"), choices=SessionMode.choices)
    location = forms.CharField(label=_("Place or meeting link"), max_length=300, required=False)
    mentors = forms.ModelMultipleChoiceField(
        queryset=MentorContact.objects.none(),
        label=_("Mentors"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    participants = forms.IntegerField(label=_("Participants"), min_value=0, required=False)

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentors"].queryset = mentors


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File (PDF, PPTX or ODP)"), required=False)
    url = forms.URLField(label=_("…or link"), required=False, assume_scheme="https")


class QuestionForm(forms.Form):
    title = forms.CharField(label=_("Question in short"), max_length=200)
    body = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    internal = forms.BooleanField(
        label=_("Internal: keep it between the two regions"),
        required=False,
        help_text=_("Otherwise, once answered, the question is shown on the app's page for other regions."),
    )


class AnswerForm(forms.Form):
    body = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class EvaluationForm(forms.Form):
    service_live = forms.BooleanField(label=_("The replicated service is live"), required=False)
    lessons = forms.CharField(
        label=_("Lessons learned"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000
    )


class FigureForm(forms.Form):
    label = forms.CharField(label=_("Measure"), max_length=160)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    before_value = forms.DecimalField(label=_("Before"), max_digits=16, decimal_places=2)
    before_on = forms.DateField(
        label=_("Before: measured on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    after_value = forms.DecimalField(label=_("After"), max_digits=16, decimal_places=2)
    after_on = forms.DateField(
        label=_("After: measured on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class BaseFigureFormSet(forms.BaseFormSet):
    def figures(self) -> list[dict]:
        """The rows filled in, in order (the service's "figures[i]" counts these)."""
        return [form.cleaned_data for form in self.filled()]

    def filled(self) -> list[forms.Form]:
        return [form for form in self if form.has_changed() and form.cleaned_data]

    def take_row_errors(self, exc: ValidationError) -> ValidationError:
        """Put the service's "figures[i]" errors on their rows; return the rest (or a pointer to the
        rows) for the form above."""
        rows, rest = self.filled(), {}
        for key, messages in form_errors(exc).items():
            if key and key.startswith("figures[") and key.endswith("]"):
                for message in messages:
                    rows[int(key[8:-1])].add_error(None, message)
            else:
                rest[key or NON_FIELD_ERRORS] = messages
        return ValidationError(rest or _("Check the figures below."))


FigureFormSet = forms.formset_factory(
    FigureForm, formset=BaseFigureFormSet, extra=2, max_num=20, validate_max=True
)


# The forms of a replication's page ----------------------------------------------------------------


def page_forms(replication: Replication, rights: dict[str, bool]) -> dict:
    """The empty forms `rights` allow, by the name the template and the write views use."""
    forms = _page_forms(replication, rights)
    for name, form in forms.items():  # several forms on one page: ids of their own
        if name.endswith("_form"):
            form.auto_id = f"id_{name.removesuffix('_form')}_%s"
    return forms


def _page_forms(replication: Replication, rights: dict[str, bool]) -> dict:
    forms = {}
    mentors = selectors.app_mentor_contacts(replication.app)
    if rights["answer_request"] and replication.request_state == RequestState.PENDING:
        forms["accept_form"] = AcceptForm(mentors=mentors)
        forms["decline_form"] = DeclineForm()
    if rights["move_phase"] and replication.is_open:
        forms["phase_form"] = PhaseForm(
            current=replication.phase, pending=replication.request_state == RequestState.PENDING
        )
    if rights["plan"] and replication.is_open:
        forms["item_form"] = ActionItemForm()
    if rights["schedule"]:
        forms["material_form"] = MaterialForm()
        if replication.is_open:
            forms["session_form"] = SessionForm(mentors=mentors)
    if rights["ask"] and replication.is_open:
        forms["question_form"] = QuestionForm()
    if rights["ask"] or rights["answer"]:
        forms["answer_form"] = AnswerForm()
    if rights["evaluate"] and replication.phase == Phase.EVALUASI:
        evaluation = getattr(replication, "evaluation", None)
        figures = [
            {name: getattr(figure, name) for name in FigureFormSet.form.base_fields}
            for figure in (evaluation.figures.all() if evaluation else ())
        ]
        initial = (
            {"service_live": evaluation.service_live, "lessons": evaluation.lessons} if evaluation else None
        )
        forms["evaluation_form"] = EvaluationForm(initial=initial)
        forms["figure_formset"] = FigureFormSet(prefix="figures", initial=figures)
    return forms


def phase_steps(replication: Replication) -> list[dict]:
    """The four working phases and completion, each done, current or to come."""
    if replication.phase == Phase.SELESAI:
        return [{"phase": phase, "label": Phase(phase).label, "state": "done"} for phase in PHASE_ORDER]
    cancelled = replication.phase == Phase.DIBATALKAN
    reached = {change.to_phase for change in replication.phase_changes.all()}
    current = None if cancelled else PHASE_ORDER.index(replication.phase)
    steps = []
    for index, phase in enumerate(PHASE_ORDER):
        if current is None:
            state = "done" if phase in reached else "todo"
        else:
            state = "done" if index < current else "current" if index == current else "todo"
        steps.append({"phase": phase, "label": Phase(phase).label, "state": state})
    return steps
