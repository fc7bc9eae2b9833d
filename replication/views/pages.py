"""The pages: the list of replications, a replication's page (with the forms the user may send) and its
uploaded materials."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.generic import DetailView

from catalog.models import App
from config.uploads import file_response
from registry import permissions
from registry.views import FilteredListView

from .. import selectors
from ..choices import Phase, ReplicationModel
from ..filtersets import ReplicationFilterSet
from ..forms import AnswerForm, MaterialForm, page_forms, phase_steps
from ..models import Replication, SessionMaterial
from ..validators import material_type

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
        "plan_visible": any(rights.values()) or bool(items),
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
