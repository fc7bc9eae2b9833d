"""Replication's panels on the catalog's app page (see registry.panels): whom to ask, asking to be
mentored, and the app's replications with what other regions learnt."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from catalog.models import App
from registry import permissions
from registry.panels import register_panel

from . import selectors
from .choices import CLOSED_PHASES, Phase, Side
from .models import Replication


def _user(request):
    return getattr(request, "user", None) or AnonymousUser()


def app_contacts(request, app: App) -> dict | None:
    """The app's mentor contacts ("Tempat bertanya"); e-mail and telephone for officials only."""
    user = _user(request)
    contacts = list(selectors.app_mentor_contacts(app))
    may_add = permissions.may(user, permissions.Action.CHANGE, [app.owner_region_id])
    if not (contacts or may_add):
        return None
    return {
        "mentor_contacts": contacts,
        "show_contact_details": permissions.may_see_contact_details(user),
        "contact_create_url": reverse("replication:contact-create", kwargs={"slug": app.slug})
        if may_add
        else "",
    }


def app_request(request, app: App) -> dict | None:
    """Ask to be mentored: a sign-in link for visitors, the form's link for those who may ask, and the
    open replications of the user's own regions."""
    user = _user(request)
    url = reverse("replication:replication-request", kwargs={"slug": app.slug})
    if not user.is_authenticated:
        return {"request_url": url, "request_signin": True}
    own = list(
        Replication.objects.open()
        .filter(app=app, penerima__in=permissions.member_regions(user))
        .select_related("penerima")
    )
    may_request = selectors.request_regions(user, app).exists()
    if not (own or may_request):
        return None
    return {"request_url": url, "may_request": may_request, "own_replications": own}


def app_replications(request, app: App) -> dict | None:
    """Completed replications with their outcome, open ones with their phase, and the public answers."""
    replications = list(selectors.app_replications(app).exclude(phase=Phase.DIBATALKAN))
    questions = list(selectors.app_public_questions(app, _user(request))[:10])
    if not (replications or questions):
        return None
    return {
        "completed_replications": [r for r in replications if r.phase in CLOSED_PHASES],
        "open_replications": [r for r in replications if r.phase not in CLOSED_PHASES],
        "public_questions": questions,
    }


# A region's workspace (registry:workspace) ---------------------------------------------------------

WORKSPACE_DUE_DAYS = 14  # action items due within two weeks are shown, with the overdue ones
WORKSPACE_LIST_LIMIT = 50  # per list; the replication list (filtered by the region) has them all


def workspace_todo(request, region) -> dict:
    """What waits for the region's answer: mentoring requests, open questions, action items due."""
    today = timezone.localdate()
    items = list(
        selectors.workspace_action_items(region, until=today + timedelta(days=WORKSPACE_DUE_DAYS))[
            :WORKSPACE_LIST_LIMIT
        ]
    )
    for item in items:
        item.overdue = item.due_on < today
    return {
        "pending_requests": list(selectors.workspace_requests(region)[:WORKSPACE_LIST_LIMIT]),
        "waiting_questions": list(selectors.workspace_questions(region)[:WORKSPACE_LIST_LIMIT]),
        "due_items": items,
        "due_days": WORKSPACE_DUE_DAYS,
    }


def workspace_replications(request, region) -> dict:
    """The region's replications as daerah asal, penerima and fasilitator, with phase and next session."""
    replications = list(selectors.workspace_replications(region)[: 3 * WORKSPACE_LIST_LIMIT])
    by_side = {side: [] for side in Side}
    for replication in replications:
        for side, code in (
            (Side.ASAL, replication.asal_id),
            (Side.PENERIMA, replication.penerima_id),
            (Side.FASILITATOR, replication.fasilitator_id),
        ):
            if code == region.code:
                by_side[side].append(replication)
    return {
        "replication_sides": [(side, by_side[side][:WORKSPACE_LIST_LIMIT]) for side in Side],
        "replication_list_url": f"{reverse('replication:replication-list')}?region={region.code}",
    }


def region_replications(request, region) -> dict | None:
    """The region page's replications per side with their phase; nothing when it has none."""
    context = workspace_replications(request, region)
    return context if any(replications for _side, replications in context["replication_sides"]) else None


def register() -> None:
    register_panel(
        "registry:region-detail",
        template="replication/panels/region_replications.html",
        context=region_replications,
        order=150,
    )
    register_panel(
        "registry:workspace:todo", template="replication/panels/workspace_todo.html", context=workspace_todo
    )
    register_panel(
        "registry:workspace",
        template="replication/panels/workspace_replications.html",
        context=workspace_replications,
    )
    register_panel(
        "catalog:app-detail", template="replication/panels/app_request.html", context=app_request, order=150
    )
    register_panel(
        "catalog:app-detail:contacts", template="replication/panels/app_contacts.html", context=app_contacts
    )
    register_panel(
        "catalog:app-detail:replications",
        template="replication/panels/app_replications.html",
        context=app_replications,
    )
