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


# Charts and the national figures (templates_repo/stats/) -----------------------------------------------
# (Imported where used: this block was added after the module's imports, which others edit.)

HOME_NEWEST = 5
HOME_MONTHS = 24  # the home page's chart: the last two years


def home_figures(request, _page=None) -> dict:
    """The national figures on the home page, with adoptions, copies and replications per month."""
    from . import stats
    from .stats import charts

    return {
        "figures": stats.summary(),
        "home_chart": charts.timeline_chart(
            stats.timeline()[-HOME_MONTHS:], id="home-timeline", months=HOME_MONTHS
        ),
    }


def home_newest(request, _page=None) -> dict:
    """The newest copies (which region copied which template: public, as the adoption it records in the
    catalog) and the newest replications (not declined)."""
    from replication.choices import RequestState

    from .choices import ForkStatus

    return {
        "newest_copies": list(
            Fork.objects.filter(status=ForkStatus.SUCCEEDED)
            .select_related("region", "template")
            .order_by("-created_at")[:HOME_NEWEST]
        ),
        "newest_replications": list(
            Replication.objects.exclude(request_state=RequestState.DECLINED)
            .select_related("app", "asal", "penerima")
            .order_by("-created_at", "-id")[:HOME_NEWEST]
        ),
    }


def app_charts(request, app: App) -> dict:
    """An app's adoptions, copies and replications per month, and where it is built and used."""
    from django.utils.translation import gettext as _

    from . import stats
    from .stats import charts

    scope = stats.Scope(app=app.slug)
    return {
        "app_timeline_chart": charts.timeline_chart(stats.timeline(scope), id="app-timeline", app=app.slug),
        "app_map_chart": charts.provinces_chart(
            stats.provinces(scope),
            id="app-map",
            title=_("Where it is built and used"),
            measure=1,  # where it is reused, first
            app=app.slug,
        ),
    }


def region_charts(request, region) -> dict:
    """What the region built and what it reuses, per category."""
    from . import stats
    from .stats import charts

    return {"region_chart": charts.region_chart(stats.region_categories(region), code=region.code)}


def register_charts() -> None:
    """The charts' panels (called by the app's ready(), after register())."""
    register_panel(
        "registry:home", template="templates_repo/panels/home_newest.html", context=home_newest, order=200
    )
    register_panel(
        "registry:home", template="templates_repo/panels/home_figures.html", context=home_figures, order=300
    )
    register_panel(
        "catalog:app-detail:replications",
        template="templates_repo/panels/app_charts.html",
        context=app_charts,
        order=150,
    )
    for page, order in (("registry:region-detail", 200), ("registry:workspace", 350)):
        register_panel(
            page, template="templates_repo/panels/region_chart.html", context=region_charts, order=order
        )
