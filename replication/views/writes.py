"""The forms of a replication's page: each posts to its own URL and goes through a service."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from config.errors import form_errors
from registry import permissions

from .. import selectors, services
from ..choices import RequestState
from ..forms import AcceptForm, FigureFormSet, PhaseForm, SessionForm, page_forms
from ..models import ActionItem, MentoringSession, Question
from .pages import render_detail


def add_errors(form, exc: ValidationError) -> None:
    """A service's errors on the form's fields; those of no field of the form above the form."""
    for field, messages_ in form_errors(exc).items():
        name = field if field in form.fields else None
        for message in messages_:
            form.add_error(name, message)


class ReplicationWrite(View):
    """POST a form of the replication's page to a service.

    A subclass names the form (`form_name`, the context key of the page), the permission asked before
    anything is read from the request (`what`, a key of REPLICATION_RULES), where the page scrolls to
    (`anchor`), and either the service that takes the replication and the form's fields with the
    message shown when it succeeds (`service`, `success`) or a `save(request, replication, form, **kwargs)`
    of its own.
    """

    form_name = ""
    what = ""
    anchor = ""
    service = None  # e.g. staticmethod(services.replication_accept)
    success = ""

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, user, replication) -> bool:
        return permissions.may_on_replication(user, self.what, replication)

    def make_form(self, request, replication, **kwargs):
        form = page_forms(replication, dict.fromkeys(permissions.REPLICATION_RULES, True)).get(self.form_name)
        if form is None:  # not at this stage (an answered request, a replication that ended)
            return None
        kwargs = {"data": request.POST, "files": request.FILES}
        if isinstance(form, (AcceptForm, SessionForm)):
            kwargs["mentors"] = form.fields["mentor" if isinstance(form, AcceptForm) else "mentors"].queryset
        if isinstance(form, PhaseForm):
            kwargs["current"] = replication.phase
            kwargs["pending"] = replication.request_state == RequestState.PENDING
        return type(form)(auto_id=form.auto_id, **kwargs)

    def post(self, request, pk: int, **kwargs):
        replication = get_object_or_404(selectors.replication_detail_queryset(), pk=pk)
        if not request.user.is_authenticated:
            return redirect_to_login(replication.get_absolute_url())
        if not self.allowed(request.user, replication):
            raise PermissionDenied
        form = self.make_form(request, replication, **kwargs)
        bound = {}
        if form is None:
            messages.error(request, _("This cannot be done at this stage of the replication."))
            return render_detail(request, replication, status=400)
        if self.is_valid(form, bound):
            try:
                self.save(request, replication, form, **kwargs)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return redirect(f"{replication.get_absolute_url()}#{self.anchor}")
        if self.form_name:
            bound[self.form_name] = form
        return render_detail(request, replication, status=400, **self.bound_context(kwargs), **bound)

    def is_valid(self, form, bound) -> bool:
        return form.is_valid()

    def bound_context(self, kwargs) -> dict:
        return {}

    def save(self, request, replication, form, **kwargs) -> None:
        self.service(user=request.user, replication=replication, **form.cleaned_data)
        messages.success(request, self.success)


class AcceptView(ReplicationWrite):
    form_name, what, anchor = "accept_form", "answer_request", "permintaan"
    service, success = staticmethod(services.replication_accept), gettext_lazy("The request is accepted.")


class DeclineView(ReplicationWrite):
    form_name, what, anchor = "decline_form", "answer_request", "permintaan"
    service, success = staticmethod(services.replication_decline), gettext_lazy("The request is declined.")


class PhaseView(ReplicationWrite):
    form_name, what, anchor = "phase_form", "move_phase", "fase"
    service, success = staticmethod(services.replication_move_phase), gettext_lazy("The phase is changed.")


class ActionItemCreateView(ReplicationWrite):
    form_name, what, anchor = "item_form", "plan", "rencana"
    service = staticmethod(services.action_item_create)
    success = gettext_lazy("The step is added to the action plan.")


class ActionItemDoneView(ReplicationWrite):
    what, anchor = "plan", "rencana"

    def make_form(self, request, replication, **kwargs):
        return True  # nothing to fill in

    def is_valid(self, form, bound) -> bool:
        return True

    def save(self, request, replication, form, *, item: int):
        item = get_object_or_404(ActionItem, pk=item, replication=replication)
        services.action_item_update(
            user=request.user, item=item, done_at=None if item.done_at else timezone.now()
        )


class SessionCreateView(ReplicationWrite):
    form_name, what, anchor = "session_form", "schedule", "bimtek"
    service, success = staticmethod(services.session_create), gettext_lazy("The session is scheduled.")


class MaterialAddView(ReplicationWrite):
    form_name, what, anchor = "material_form", "schedule", "bimtek"

    def bound_context(self, kwargs) -> dict:
        return {"material_session": kwargs["session"]}

    def save(self, request, replication, form, *, session: int):
        session = get_object_or_404(MentoringSession, pk=session, replication=replication)
        services.material_add(user=request.user, session=session, **form.cleaned_data)
        messages.success(request, _("The material is added."))


class QuestionAskView(ReplicationWrite):
    form_name, what, anchor = "question_form", "ask", "pertanyaan"
    service = staticmethod(services.question_ask)
    success = gettext_lazy("Your question is sent to the mentors.")


class AnswerPostView(ReplicationWrite):
    form_name, anchor = "answer_form", "pertanyaan"

    def allowed(self, user, replication) -> bool:
        return permissions.may_on_replication(user, "answer", replication) or permissions.may_on_replication(
            user, "ask", replication
        )

    def bound_context(self, kwargs) -> dict:
        return {"answer_question": kwargs["question"]}

    def save(self, request, replication, form, *, question: int):
        question = get_object_or_404(Question, pk=question, replication=replication)
        services.answer_post(user=request.user, question=question, body=form.cleaned_data["body"])
        messages.success(request, _("Your answer is posted."))


class EvaluationView(ReplicationWrite):
    form_name, what, anchor = "evaluation_form", "evaluate", "evaluasi"

    def is_valid(self, form, bound) -> bool:
        formset = FigureFormSet(self.request.POST, prefix="figures")
        bound["figure_formset"] = self.formset = formset
        return all([form.is_valid(), formset.is_valid()])

    def save(self, request, replication, form, **kwargs):
        figures = [services.FigureInput(**figure) for figure in self.formset.figures()]
        try:
            services.evaluation_record(
                user=request.user, replication=replication, figures=figures, **form.cleaned_data
            )
        except ValidationError as exc:
            raise self.formset.take_row_errors(exc) from exc
        messages.success(request, _("The evaluation is recorded."))
