"""The catalog's panels on the registry's pages (see registry.panels): a region's apps, an MoU's apps."""

from registry import permissions
from registry.models import MoU, Region
from registry.panels import register_panel

from . import selectors


def region_apps(request, region: Region) -> dict:
    """The apps the region built and the apps it uses."""
    return {
        "built_apps": selectors.region_built_apps(region),
        "adoptions": selectors.region_adoptions(region),
    }


def mou_apps(request, mou: MoU) -> dict:
    return {"covered_apps": selectors.mou_apps(mou)}


def workspace_adoptions(request, region: Region) -> dict:
    """Uses of apps recorded on the region's behalf, for its members to confirm."""
    return {
        "adoptions_to_confirm": list(selectors.adoptions_to_confirm(region)),
        "may_confirm": permissions.adoption_rights(request.user, region.code).verified,
    }


def workspace_apps(request, region: Region) -> dict:
    """The region's apps in the catalog, and adding one, for those who may."""
    return {
        "built_apps": selectors.region_built_apps(region),
        "may_add_app": permissions.may(request.user, permissions.Action.CHANGE, [region.code]),
    }


def register() -> None:
    register_panel("registry:region-detail", template="catalog/panels/region_apps.html", context=region_apps)
    register_panel("registry:mou-detail", template="catalog/panels/mou_apps.html", context=mou_apps)
    register_panel(
        "registry:workspace:todo",
        template="catalog/panels/workspace_adoptions.html",
        context=workspace_adoptions,
        order=200,
    )
    register_panel(
        "registry:workspace", template="catalog/panels/workspace_apps.html", context=workspace_apps, order=300
    )


# The home page (registry:home) ----------------------------------------------------------------------

HOME_APPS = 6


def home_apps(request, _page=None) -> dict:
    """The apps most reused by other regions (their adoptions), most first: one query on an index."""
    from .choices import SortOrder  # here: this block was added after the module's imports

    apps = selectors.app_filterset({"ordering": SortOrder.MOST_ADOPTED}).qs.filter(adoption_count__gt=0)
    return {"most_reused_apps": list(apps.select_related("owner_region")[:HOME_APPS])}


def register_home() -> None:
    register_panel("registry:home", template="catalog/panels/home_apps.html", context=home_apps, order=100)
