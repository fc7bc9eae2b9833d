"""The catalog's panels on the registry's pages (see registry.panels): a region's apps, an MoU's apps."""

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


def register() -> None:
    register_panel("registry:region-detail", template="catalog/panels/region_apps.html", context=region_apps)
    register_panel("registry:mou-detail", template="catalog/panels/mou_apps.html", context=mou_apps)
