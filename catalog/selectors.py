"""Reads of the catalog shared by the API, the pages and the admin.

The list and the browse page are the hot paths (100,000 apps): they read plain rows with `.values()`,
never model instances, and cache counts and facet counts under the catalog version, which every
catalog write bumps (catalog.cache).
"""

from collections.abc import Mapping

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import get_language

from registry.models import MoU, MoUParty, Region

from . import search
from .cache import cached
from .choices import (
    UNKNOWN_LICENSE,
    AdoptionStage,
    AppCategory,
    DevelopmentStatus,
    SmartCityDimension,
    SpbeType,
)
from .filtersets import AppFilterSet
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


def app_rows(queryset: QuerySet[App]) -> list[dict]:
    return list(app_values(queryset))


def search_help(value: str) -> dict:
    """For a search that found nothing (the list page, /cari/): other searches to try (the known words
    closest to each word typed: synonym file, labels, region and app names) and every category."""
    return {
        "suggestions": search.suggestions(search.parse(value)),
        "categories": AppCategory.choices,
    }


class CachedCountPaginator(Paginator):
    """A paginator whose count (a scan of the filtered apps) is cached under the catalog version.

    `count_queryset` is the filtered queryset without the list's joins (counting needs none).
    """

    def __init__(self, object_list, per_page, *args, count_queryset: QuerySet | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_queryset = count_queryset if count_queryset is not None else object_list

    @cached_property
    def count(self) -> int:
        queryset = self.count_queryset.order_by()
        try:
            sql = str(queryset.query)
        except EmptyResultSet:  # a filter that can match nothing (e.g. .none())
            return 0
        return cached(("count", queryset.model._meta.label, sql), queryset.count)


# Facets ------------------------------------------------------------------------------------------

FACET_LABELS = {
    "category": dict(AppCategory.choices),
    "dimension": dict(SmartCityDimension.choices),
    "status": dict(DevelopmentStatus.choices),
    "spbe_type": dict(SpbeType.choices),
}
REGION_FACET_LIMIT = 30


def _facet_counts(data: Mapping) -> dict[str, list[tuple[str, int]]]:
    """Counts per value of each facet, under every current filter except the facet's own."""
    result = {}
    for facet, column in AppFilterSet.FACETS.items():
        others = [
            (key, value) for key, value in _items(data) if key != facet and key not in ("page", "ordering")
        ]
        filterset = app_filterset(_querydict(others))
        queryset = filterset.qs.order_by() if filterset.is_valid() else App.objects.none()
        rows = queryset.values_list(column).annotate(n=Count("pk")).order_by("-n", column)
        if facet == "region":
            rows = rows[:REGION_FACET_LIMIT]
        result[facet] = [(value if isinstance(value, str) else str(value).lower(), n) for value, n in rows]
    return result


def _items(data: Mapping) -> list[tuple[str, str]]:
    if hasattr(data, "lists"):
        return [(key, value) for key, values in data.lists() for value in values]
    return [(key, value) for key, value in data.items()]


def _querydict(items: list[tuple[str, str]]):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in items:
        query.appendlist(key, value)
    return query


def app_facets(data: Mapping) -> dict[str, list[dict]]:
    """Facet counts for the filters in `data`, with labels; cached per language and catalog version."""
    canonical = sorted(
        (key, value) for key, value in _items(data) if key not in ("page", "ordering", "page_size")
    )
    return cached(("facets", get_language(), canonical), lambda: _labelled_facets(data))


def _labelled_facets(data: Mapping) -> dict[str, list[dict]]:
    counts = _facet_counts(data)
    region_codes = {value for value, _n in counts["region"]} | {value for value, _n in counts["province"]}
    names = (
        dict(Region.objects.filter(code__in=region_codes).values_list("code", "name")) if region_codes else {}
    )
    facets = {}
    for facet, rows in counts.items():
        labels = FACET_LABELS.get(facet, {})
        facets[facet] = [
            {"value": value, "label": str(labels.get(value) or names.get(value) or value), "count": n}
            for value, n in rows
            # "Licence unknown" is no licence to choose (its apps stay in every other facet's counts).
            if not (facet == "license" and value == UNKNOWN_LICENSE)
        ]
    return facets


# Detail ------------------------------------------------------------------------------------------


def adoption_events() -> QuerySet[AdoptionEvent]:
    """An adoption's timeline (prefetched as `events`), oldest first, with who recorded each change."""
    return AdoptionEvent.objects.select_related("recorded_by")


def app_detail_queryset() -> QuerySet[App]:
    """An app with everything its page shows, in a constant number of queries."""
    parties = MoUParty.objects.select_related("region").order_by("position", "id")
    return App.objects.select_related(
        "owner_region", "owner_province", "owner_agency", "based_on", "based_on__owner_region", "created_by"
    ).prefetch_related(
        "contacts",
        Prefetch("figures", queryset=ServiceFigure.objects.select_related("entered_by")),
        "screenshots",
        Prefetch(
            "adoptions",
            queryset=Adoption.objects.select_related("region", "recorded_by")
            .order_by("-verified", "region__name")
            .prefetch_related(Prefetch("events", queryset=adoption_events())),
        ),
        Prefetch("variants", queryset=App.objects.select_related("owner_region").order_by("name")),
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
