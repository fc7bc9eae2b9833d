"""Reads of the catalog shared by the API, the pages and the admin.

The list and the browse page are the hot paths (100,000 apps): they read plain rows with `.values()`,
never model instances, and cache counts and facet counts under the catalog version, which every
catalog write bumps (catalog.cache).
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import get_language

from registry.models import MoU, MoUParty, Region

from . import columns, facets, search
from .cache import cached
from .choices import (
    UNKNOWN_LICENSE,
    AdoptionStage,
    AppCategory,
    DevelopmentStatus,
    SmartCityDimension,
    SortOrder,
    SpbeType,
)
from .filtersets import ORDERINGS, AppFilterSet
from .models import Adoption, AdoptionEvent, App, ServiceFigure

LIST_FIELDS = (
    "id",
    "slug",
    "name",
    "owner_region_id",
    "owner_region__name",
    "owner_province_id",
    "owner_agency__name",
    "owner_agency__short_name",
    "category",
    "dimension",
    "spbe_type",
    "status",
    "short_description",
    "short_description_en",
    "license",
    "has_template",
    "adoption_count",
    "created_at",
)


def app_queryset() -> QuerySet[App]:
    return App.objects.all()


def app_filterset(data: Mapping, queryset: QuerySet[App] | None = None) -> AppFilterSet:
    return AppFilterSet(data, queryset=queryset if queryset is not None else app_queryset())


def app_values(queryset: QuerySet[App]) -> QuerySet:
    """The list columns as plain dicts: one query per page, no model instances."""
    return queryset.values(*LIST_FIELDS)


def search_help(value: str) -> dict:
    """For a search that found nothing (the list page, /cari/): other searches to try (the known words
    closest to each word typed: synonym file, labels, region and app names) and every category."""
    return {
        "suggestions": search.suggestions(search.parse(value)),
        "categories": AppCategory.choices,
    }


# Past this many results a count says "10,000+" and the pages stop (search engines keep such a window):
# counting every match of a broad query costs as much as the page itself, many times over.
RESULT_WINDOW = 10_000


@dataclass(frozen=True)
class FilteredApps:
    """What `AppPaginator` pages: a filterset's apps, with the facet conditions, the order and a search's
    ranks that the catalog's columns in memory answer (catalog.columns)."""

    queryset: QuerySet[App]
    conditions: list[facets.Condition] | None = None  # None: the database counts and pages
    ordering: str = SortOrder.NAME
    ranks: dict[int, float] | None = None  # a search's apps (its window) and their ranks


def filtered_apps(filterset: AppFilterSet) -> FilteredApps:
    """The apps of a valid `filterset`, to page (its queryset is built once, here)."""
    found = filterset.search_found()
    ranks = found.ranks if found is not None else None
    return FilteredApps(filterset.qs, _conditions(filterset), filterset.sort_order, ranks)


class AppPaginator(Paginator):
    """Pages of `FilteredApps` (or of a queryset), whose items are `app_values` rows.

    `count` is exact up to the window (RESULT_WINDOW, or a search's SEARCH_WINDOW) and then the window,
    with `capped` set; the pages end there. The count and the page's ids come from the columns in memory
    (catalog.columns), within a search's window of ids and ranks, and one query reads the page's rows by
    id. A bare queryset (an invalid filterset's none()) is counted and paged by the database.
    """

    def __init__(self, object_list, per_page, *args, **kwargs):
        if not isinstance(object_list, FilteredApps):
            object_list = FilteredApps(object_list)
        super().__init__(object_list, per_page, *args, **kwargs)
        self.capped = False

    @cached_property
    def window(self) -> int:
        return RESULT_WINDOW if self.object_list.ranks is None else search.query.SEARCH_WINDOW

    @cached_property
    def _matches(self):
        """(the columns, the matching apps' mask), or None where the database answers."""
        apps = self.object_list
        if apps.conditions is None:
            return None
        snapshot = columns.snapshot()
        within = None if apps.ranks is None else snapshot.ids_mask(apps.ranks)
        return snapshot, snapshot.mask(apps.conditions, within)

    @cached_property
    def count(self) -> int:
        if self._matches is not None:
            found = int(self._matches[1].sum())
        else:
            found = self.object_list.queryset.order_by().values("pk")[: self.window + 1].count()
        self.capped = found > self.window
        return min(found, self.window)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if self._matches is None:
            return self._get_page(list(app_values(self.object_list.queryset[bottom:top])), number, self)
        snapshot, mask = self._matches
        apps = self.object_list
        if apps.ordering == SortOrder.RELEVANCE:
            ids = snapshot.ranked_ids(mask, apps.ranks, bottom, top)
            position = {app_id: n for n, app_id in enumerate(ids)}
            rows = sorted(app_values(App.objects.filter(pk__in=ids)), key=lambda row: position[row["id"]])
        else:
            ids = snapshot.page_ids(mask, apps.ordering, bottom, top)
            rows = list(app_values(App.objects.filter(pk__in=ids).order_by(*ORDERINGS[apps.ordering])))
        return self._get_page(rows if ids else [], number, self)


# Facets ------------------------------------------------------------------------------------------

FACET_LABELS = {
    "category": dict(AppCategory.choices),
    "dimension": dict(SmartCityDimension.choices),
    "status": dict(DevelopmentStatus.choices),
    "spbe_type": dict(SpbeType.choices),
}
REGION_FACET_LIMIT = 30


def _conditions(filterset: AppFilterSet) -> list[facets.Condition]:
    """The facet filters of a valid filterset, as facets.Condition (empty filters left out)."""
    data, conditions = filterset.form.cleaned_data, []
    for facet in AppFilterSet.FACETS:
        value = data.get(facet)
        if value in (None, "", []):
            continue
        if isinstance(value, Region):
            values = (value.code,)
        elif isinstance(value, list):
            values = tuple(value)
        else:
            values = (value,)
        conditions.append(facets.Condition(facet, values))
    return conditions


def app_facets(filterset: AppFilterSet) -> dict[str, list[dict]]:
    """Facet counts for the filters of a valid `filterset`, with labels; cached per language and catalog
    version. A filterset whose results were read already lends its search's apps (`found`)."""
    canonical = sorted(
        (key, value) for key, value in _items(filterset.data) if key not in ("page", "ordering", "page_size")
    )
    return cached(("facets", get_language(), canonical), lambda: _labelled_facets(filterset))


def _items(data: Mapping) -> list[tuple[str, str]]:
    if hasattr(data, "lists"):
        return [(key, value) for key, values in data.lists() for value in values]
    return [(key, value) for key, value in data.items()]


def _labelled_facets(filterset: AppFilterSet) -> dict[str, list[dict]]:
    found = filterset.search_found()
    snapshot = columns.snapshot()
    within = snapshot.ids_mask(found.ranks) if found is not None else None
    counts = snapshot.facet_counts(_conditions(filterset), within)
    counts["region"] = counts["region"][:REGION_FACET_LIMIT]
    codes = {value for facet in facets.REGION_FACETS for value, _n in counts[facet]}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    result = {}
    for facet, rows in counts.items():
        labels = FACET_LABELS.get(facet, {})
        result[facet] = [
            {"value": value, "label": str(labels.get(value) or names.get(value) or value), "count": n}
            for value, n in rows
            # "Licence unknown" is no licence to choose (its apps stay in every other facet's counts).
            if not (facet == "license" and value == UNKNOWN_LICENSE)
        ]
    return result


# Detail ------------------------------------------------------------------------------------------


def adoption_events() -> QuerySet[AdoptionEvent]:
    """An adoption's timeline (prefetched as `events`), oldest first, with who recorded each change."""
    return AdoptionEvent.objects.select_related("recorded_by")


def app_detail_queryset() -> QuerySet[App]:
    """An app with everything its page shows, in a constant number of queries. Its orderings are the
    JSON detail's (catalog/detail.py), ties included."""
    parties = MoUParty.objects.select_related("region").order_by("position", "id")
    return App.objects.select_related(
        "owner_region", "owner_province", "owner_agency", "based_on", "based_on__owner_region", "created_by"
    ).prefetch_related(
        "contacts",
        Prefetch(
            "figures",
            queryset=ServiceFigure.objects.select_related("entered_by").order_by(
                "metric", "-measured_on", "id"
            ),
        ),
        "screenshots",
        Prefetch(
            "adoptions",
            queryset=Adoption.objects.select_related("region", "recorded_by")
            .order_by("-verified", "region__name", "region", "id")
            .prefetch_related(Prefetch("events", queryset=adoption_events())),
        ),
        Prefetch("variants", queryset=App.objects.select_related("owner_region").order_by("name", "id")),
        Prefetch(
            "mous", queryset=MoU.objects.with_status().prefetch_related(Prefetch("parties", queryset=parties))
        ),
    )


def region_built_apps(region: Region) -> QuerySet[App]:
    return App.objects.filter(owner_region=region).select_related("owner_agency").order_by("name")


def region_adoptions(region: Region) -> QuerySet[Adoption]:
    return (
        Adoption.objects.filter(region=region)
        .exclude(stage=AdoptionStage.RETIRED)
        .select_related("app", "app__owner_region")
        .order_by("app__name")
    )


def mou_apps(mou: MoU) -> QuerySet[App]:
    return mou.apps.select_related("owner_region").order_by("name")


def adoptions_to_confirm(region: Region) -> QuerySet[Adoption]:
    """The region's uses of apps that someone else recorded for it (not verified), by app."""
    return (
        Adoption.objects.filter(region=region, verified=False)
        .select_related("app", "app__owner_region")
        .order_by("app__name", "pk")
    )
