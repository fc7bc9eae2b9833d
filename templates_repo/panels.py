"""The template library's panels on lower apps' pages (see registry.panels): "spin up a copy" on the
catalog's app page, and a replication's copies on its page."""

from django.core.paginator import Paginator

from catalog.models import App
from registry.panels import register_panel
from replication.models import Replication

from . import result_panels, selectors
from .models import Fork


def app_templates(request, app: App) -> dict | None:
    """The ready templates of the app, or nothing when no template reproduces it."""
    templates = selectors.app_templates(app)
    return {"templates": templates} if templates else None


def replication_forks(request, replication: Replication) -> dict | None:
    """The copies made within the replication that the user may see (a region's copies are its own:
    its members and staff), newest first; nothing for anyone else, or when there is none."""
    user = getattr(request, "user", None)
    forks = list(
        Fork.objects.restrict(user)
        .filter(replication=replication)
        .select_related("template", "version")
        .order_by("-created_at")
    )
    return {"replication_forks": forks} if forks else None


WORKSPACE_FORKS_PER_PAGE = 20


def workspace_forks(request, region) -> dict:
    """All the region's copies, newest first, a page at a time (`?salinan=N`; a page past the end
    shows the last one)."""
    paginator = Paginator(selectors.region_forks(region), WORKSPACE_FORKS_PER_PAGE)
    return {"fork_page": paginator.get_page(request.GET.get("salinan"))}


def register() -> None:
    register_panel(
        "catalog:app-detail:results",
        template="templates_repo/panels/app_results.html",
        context=result_panels.app_results,
    )
    register_panel(
        "catalog:app-detail", template="templates_repo/panels/app_templates.html", context=app_templates
    )
    register_panel(
        "replication:replication-detail",
        template="templates_repo/panels/replication_forks.html",
        context=replication_forks,
    )
    register_panel(
        "replication:replication-detail",
        template="templates_repo/panels/replication_reports.html",
        context=result_panels.replication_reports,
    )
    register_panel(
        "registry:workspace",
        template="templates_repo/panels/workspace_forks.html",
        context=workspace_forks,
        order=200,
    )
    for page in ("registry:region-detail", "registry:workspace"):
        register_panel(
            page,
            template="templates_repo/panels/region_results.html",
            context=result_panels.region_results,
            order=250,
        )
