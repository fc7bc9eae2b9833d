"""Pages of replication and mentoring: the list, a replication's page with its forms, the request form.

Every form posts to its own URL and goes through a service: success redirects back to the page (PRG),
a service's ValidationError comes back on the form's fields with status 400, a refusal is a 403 and an
anonymous visitor is sent to sign in. Which forms a user sees is asked of registry.permissions.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from catalog.models import App
from config.errors import form_errors
from config.uploads import file_response
from registry import permissions
from registry.models import Region
from registry.views import FilteredListView

from . import selectors, services
from .choices import Phase, ReplicationModel, RequestState
from .filtersets import ReplicationFilterSet
from .forms import (
    AcceptForm,
    AnswerForm,
    FigureFormSet,
    MaterialForm,
    MentorContactForm,
    PhaseForm,
    RequestForm,
    SessionForm,
    page_forms,
    phase_steps,
)
from .models import ActionItem, MentoringSession, Question, Replication, SessionMaterial
from .validators import material_type


def _add_errors(form, exc: ValidationError) -> None:
    """A service's errors on the form's fields; those of no field of the form above the form."""
    for field, messages_ in form_errors(exc).items():
        name = field if field in form.fields else None
        for message in messages_:
            form.add_error(name, message)


# The list ----------------------------------------------------------------------------------------


class ReplicationListView(FilteredListView):
    filterset_class = ReplicationFilterSet
    paginate_by = 20
    template_name = "replication/replication_list.html"

    def get_queryset(self):
        return selectors.replication_list()

    def get_context_data(self, **kwargs):
        apps = (
            App.objects.filter(replications__isnull=False)
            .distinct()
            .order_by("name")
            .values_list("slug", "name")
        )
        return super().get_context_data(
            phases=Phase.choices, models=ReplicationModel.choices, apps=list(apps), **kwargs
        )


# A replication's page ----------------------------------------------------------------------------


def _rights(user, replication: Replication) -> dict[str, bool]:
    """What `user` may do on the page: one entry per rule of registry.permissions.REPLICATION_RULES."""
    return {
        what: permissions.may_on_replication(user, what, replication)
        for what in permissions.REPLICATION_RULES
    }


def render_detail(request, replication: Replication, *, status: int = 200, **bound):
    """The replication's page; `bound` replaces an empty form by the one that was sent (with errors)."""
    user = request.user
    rights = _rights(user, replication)
    sessions = list(selectors.replication_sessions(replication))
    today = timezone.localdate()
    items = list(selectors.replication_action_items(replication, user))
    for item in items:
        item.overdue = bool(item.due_on and not item.done_at and item.due_on < today)
    questions = list(selectors.replication_questions(replication, user))
    forms = page_forms(replication, rights)
    # The forms repeated for each session and question: ids of their own; the one sent, with its errors.
    material_session, answer_question = (
        bound.pop("material_session", None),
        bound.pop("answer_question", None),
    )
    for session in sessions if "material_form" in forms else ():
        session.material_form = (
            bound.pop("material_form")
            if session.pk == material_session
            else MaterialForm(auto_id=f"id_material{session.pk}_%s")
        )
    for question in questions if "answer_form" in forms else ():
        question.answer_form = (
            bound.pop("answer_form")
            if question.pk == answer_question
            else AnswerForm(auto_id=f"id_answer{question.pk}_%s")
        )
    context = {
        "replication": replication,
        "rights": rights,
        # who did what: officials' names for signed-in officials, the regions for everyone
        "show_people": permissions.may_see_contact_details(user),
        "stepper": phase_steps(replication),
        "sessions": sessions,
        "now": timezone.now(),
        "items": items,
        "plan_visible": user.is_authenticated and (user.is_staff or any(rights.values()) or bool(items)),
        "questions": questions,
        "evaluation": getattr(replication, "evaluation", None),
        **forms,
        **bound,
    }
    return render(request, "replication/replication_detail.html", context, status=status)


class ReplicationDetailView(DetailView):
    context_object_name = "replication"

    def get_queryset(self):
        return selectors.replication_detail_queryset()

    def get(self, request, *args, **kwargs):
        return render_detail(request, self.get_object())


class ReplicationWrite(View):
    """POST a form of the replication's page to a service.

    A subclass names the form (`form_name`, the context key of the page), the permission asked before
    anything is read from the request (`what`, a key of REPLICATION_RULES), where the page scrolls to
    (`anchor`) and `save(request, replication, form, **kwargs)`.
    """

    form_name = ""
    what = ""
    anchor = ""

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
                _add_errors(form, exc)
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
        raise NotImplementedError


class AcceptView(ReplicationWrite):
    form_name, what, anchor = "accept_form", "answer_request", "permintaan"

    def save(self, request, replication, form, **kwargs):
        services.replication_accept(
            user=request.user, replication=replication, mentor=form.cleaned_data["mentor"]
        )
        messages.success(request, _("The request is accepted."))


class DeclineView(ReplicationWrite):
    form_name, what, anchor = "decline_form", "answer_request", "permintaan"

    def save(self, request, replication, form, **kwargs):
        services.replication_decline(
            user=request.user, replication=replication, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The request is declined."))


class PhaseView(ReplicationWrite):
    form_name, what, anchor = "phase_form", "move_phase", "fase"

    def save(self, request, replication, form, **kwargs):
        services.replication_move_phase(
            user=request.user,
            replication=replication,
            phase=form.cleaned_data["phase"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The phase is changed."))


class ActionItemCreateView(ReplicationWrite):
    form_name, what, anchor = "item_form", "plan", "rencana"

    def save(self, request, replication, form, **kwargs):
        services.action_item_create(user=request.user, replication=replication, **form.cleaned_data)
        messages.success(request, _("The step is added to the action plan."))


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

    def save(self, request, replication, form, **kwargs):
        data = dict(form.cleaned_data)
        services.session_create(
            user=request.user, replication=replication, mentors=data.pop("mentors"), **data
        )
        messages.success(request, _("The session is scheduled."))


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

    def save(self, request, replication, form, **kwargs):
        services.question_ask(user=request.user, replication=replication, **form.cleaned_data)
        messages.success(request, _("Your question is sent to the mentors."))


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


def material_file(request, pk: int, material: int):
    """A session's uploaded material, for signed-in officials (the type found by reading it)."""
    material = get_object_or_404(
        SessionMaterial.objects.select_related("session"), pk=material, session__replication=pk
    )
    if not material.file:
        raise Http404
    if not permissions.may_see_contact_details(request.user):
        return redirect_to_login(request.get_full_path())
    extension, content_type = material_type(material.file)
    return file_response(
        material.file,
        content_type=content_type,
        filename=f"materi-{material.pk}.{extension}",
        as_attachment=True,
    )


# Asking to be mentored -----------------------------------------------------------------------------


class RequestView(View):
    """The "ask to be mentored" form of an app (the app page's panel links here)."""

    template_name = "replication/request_form.html"

    def _form(self, request, app, data=None):
        return RequestForm(
            data,
            regions=selectors.request_regions(request.user, app),
            facilitators=Region.objects.order_by("code"),
            mous=selectors.request_mous(request.user, app),
        )

    def _render(self, request, app, form, status=200):
        return render(request, self.template_name, {"app": app, "form": form}, status=status)

    def dispatch(self, request, slug: str):
        app = get_object_or_404(App.objects.select_related("owner_region"), slug=slug)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.method == "POST":
            return self.post(request, app)
        if request.method in ("GET", "HEAD"):
            return self._render(request, app, self._form(request, app))
        return self.http_method_not_allowed(request)

    def post(self, request, app):
        form = self._form(request, app, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                replication = services.replication_request(
                    user=request.user,
                    app=app,
                    penerima=data["region"],
                    model=data["model"],
                    message=data["message"],
                    fasilitator=data["fasilitator"],
                    fasilitator_name=data["fasilitator_name"],
                    mou=data["mou"],
                )
            except ValidationError as exc:
                exc = _rename(exc, {"penerima": "region"})
                _add_errors(form, exc)
            else:
                messages.success(request, _("Your request is sent to the originating region."))
                return redirect(replication.get_absolute_url())
        return self._render(request, app, form, status=400)


class MentorContactCreateView(View):
    """Add a mentor contact to an app: its owner region's editors and administrators."""

    template_name = "replication/contact_form.html"

    def dispatch(self, request, slug: str):
        app = get_object_or_404(App.objects.select_related("owner_region"), slug=slug)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.may(request.user, permissions.Action.CHANGE, [app.owner_region_id]):
            raise PermissionDenied
        agencies = app.owner_region.agencies.order_by("name")
        if request.method == "POST":
            form = MentorContactForm(request.POST, agencies=agencies)
            if form.is_valid():
                try:
                    services.mentor_contact_create(user=request.user, app=app, **form.cleaned_data)
                except ValidationError as exc:
                    _add_errors(form, exc)
                else:
                    messages.success(request, _("The mentor contact is added."))
                    back = request.POST.get("next", "")
                    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
                    return redirect(back if back.startswith("/") and safe else app.get_absolute_url())
            context = {"app": app, "form": form, "next": request.POST.get("next", "")}
            return render(request, self.template_name, context, status=400)
        if request.method in ("GET", "HEAD"):
            form = MentorContactForm(agencies=agencies)
            context = {"app": app, "form": form, "next": request.GET.get("next", "")}
            return render(request, self.template_name, context)
        return self.http_method_not_allowed(request)


def _rename(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(field, field): errors for field, errors in exc.error_dict.items()})


def request_url(app: App) -> str:
    return reverse("replication:replication-request", kwargs={"slug": app.slug})
