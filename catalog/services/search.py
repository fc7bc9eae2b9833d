"""The search index of apps: the text an app is found by (`search_document`) and, on PostgreSQL, its
weighted tsvector. The query side is catalog/search/."""

from collections.abc import Iterable, Mapping, Sequence

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.utils import translation

from ..choices import AppCategory, SmartCityDimension, SpbeType
from ..models import Adoption, App
from ..search import SEARCH_CONFIG, extra_search_text
from ..search.query import PREFIX_CONFIG

BATCH = 2000


def _labels(app: App) -> list[str]:
    """The app's category, dimension and SPBE labels in English and Indonesian (people search both)."""
    labels = []
    for language in ("en", "id"):
        with translation.override(language):
            for choices, value in (
                (AppCategory, app.category),
                (SmartCityDimension, app.dimension),
                (SpbeType, app.spbe_type),
            ):
                label = dict(choices.choices).get(value)
                if label:
                    labels.append(str(label))
    return list(dict.fromkeys(labels))


def search_document(app: App, *, extra: Iterable[str] = ()) -> str:
    """The lower-cased text an app is found by: what a person sees of it (name, descriptions, features,
    category and SPBE labels in both languages, owner region, province and agency) and `extra` (the
    regions reusing it, the templates that reproduce it: `app_refresh_search` reads them). Reads nothing
    from the database beyond the app's owner region, province and agency."""
    region = app.owner_region
    parts = [
        app.name,
        app.slug.replace("-", " "),
        app.short_description,
        app.short_description_en,
        app.long_description,
        app.long_description_en,
        " ".join(app.features or []),
        " ".join(app.features_en or []),
        *_labels(app),
        region.name,
        region.code,
        app.owner_province.name if app.owner_province_id != region.code else "",
        app.owner_agency.name if app.owner_agency else "",
        app.owner_agency.short_name if app.owner_agency else "",
        *extra,
    ]
    return " ".join(" ".join(part.split()) for part in parts if part).lower()


def _reusing_regions(app_ids: Sequence[int]) -> Mapping[int, list[str]]:
    found: dict[int, list[str]] = {}
    rows = Adoption.objects.filter(app_id__in=app_ids).values_list("app_id", "region__name", "region_id")
    for app_id, name, code in rows.order_by("app_id", "region_id"):
        found.setdefault(app_id, []).extend((name, code))
    return found


def _refresh_batch(batch: list[App]) -> None:
    ids = [app.pk for app in batch]
    regions, extra = _reusing_regions(ids), extra_search_text(ids)
    for app in batch:
        app.search_document = search_document(app, extra=[*regions.get(app.pk, ()), *extra.get(app.pk, ())])
    App.objects.bulk_update(batch, ["search_document"])


def app_refresh_search(*, app_ids: Iterable[int] | None = None) -> None:
    """Recompute the search text of apps (all when `app_ids` is None) and, on PostgreSQL, the vector: a
    fixed number of queries per 2,000 apps (the reusing regions and each registered provider's text are
    read per batch)."""
    apps = App.objects.select_related("owner_region", "owner_province", "owner_agency").order_by("pk")
    if app_ids is not None:
        app_ids = list(app_ids)
        apps = apps.filter(pk__in=app_ids)
    batch = []
    for app in apps.iterator(chunk_size=BATCH):
        batch.append(app)
        if len(batch) >= BATCH:
            _refresh_batch(batch)
            batch = []
    if batch:
        _refresh_batch(batch)
    app_refresh_search_vectors(app_ids=app_ids)


def app_refresh_search_vectors(*, app_ids: Iterable[int] | None = None) -> None:
    """On PostgreSQL, recompute the weighted tsvector from the stored texts (one UPDATE): stemmed name (A),
    short descriptions (B) and document (C), and the document unstemmed (D)."""
    if connection.vendor != "postgresql":
        return
    vector = (
        SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("short_description", "short_description_en", weight="B", config=SEARCH_CONFIG)
        + SearchVector("search_document", weight="C", config=SEARCH_CONFIG)
        # Unstemmed, for the prefix of a word still being typed (catalog/search/query.py).
        + SearchVector("search_document", weight="D", config=PREFIX_CONFIG)
    )
    target = App.objects.all() if app_ids is None else App.objects.filter(pk__in=list(app_ids))
    target.update(search_vector=vector)
