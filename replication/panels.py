"""Replication's panels on the catalog's app page (see registry.panels): whom to ask, asking to be
mentored, and the app's replications with what other regions learnt."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from catalog.models import App
from registry import permissions
from registry.panels import register_panel

from . import selectors
from .choices import CLOSED_PHASES, Phase
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


def register() -> None:
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
