"""The catalog's columns in memory (catalog/columns.py) answer as the database would: the same apps in
the same order for every filter and sort (ties included), pages and counts; a copy is read again when
the catalog version changes or grows old, and never survives an emptied cache."""

import datetime
import random

import pytest
from django.core.cache import cache
from django.db.models import F
from django.http import QueryDict

from catalog import columns, selectors
from catalog.cache import CATALOG_VERSION_KEY, UNKNOWN_VERSION, cache_is_shared, catalog_changed
from catalog.choices import SortOrder
from catalog.filtersets import ORDERINGS
from catalog.models import App
from tests import factories

pytestmark = pytest.mark.django_db

REGIONS = ("33.74", "33.25", "64.74", "12.71")


@pytest.fixture
def apps(regions):
    """Apps with repeated names, creation times and adoption counts, so that every order has ties that
    only its last keys break."""
    rng = random.Random(3)
    moment = datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    for n in range(36):
        factories.AppFactory(
            name=rng.choice(["Lapor", "Antrean", "Santunan", "E-Planning"]),
            slug=f"app-{n}",
            owner_region=factories.region(rng.choice(REGIONS)),
            category=rng.choice(["pengaduan", "kesehatan"]),
            status=rng.choice(["stable", "development"]),
            has_template=rng.random() < 0.5,
        )
    # Set after creation: auto_now_add would overwrite them.
    for app in App.objects.all():
        App.objects.filter(pk=app.pk).update(
            created_at=moment + datetime.timedelta(hours=rng.choice([0, 1, 2])),
            adoption_count=rng.choice([0, 0, 1, 3]),
        )


def valid_filterset(params: dict):
    data = QueryDict(mutable=True)
    data.update(params)
    filterset = selectors.app_filterset(data)
    assert filterset.is_valid(), filterset.errors
    return filterset


def page_of(params: dict, number: int, size: int):
    paginator = selectors.AppPaginator(selectors.filtered_apps(valid_filterset(params)), size)
    return paginator, [row["id"] for row in paginator.page(number).object_list]


def every_page(params: dict, size: int, expected: list[int]) -> list[int]:
    """The ids of every page in turn, each page's count checked against `expected`'s."""
    found = []
    for number in range(1, 20):
        paginator, ids = page_of(params, number, size)
        assert paginator.count == len(expected) and not paginator.capped
        found += ids
        if number >= paginator.num_pages:
            return found
    raise AssertionError("more pages than the test's apps make")


FILTERS = [
    {},
    {"category": "pengaduan"},
    {"status": "stable", "has_template": "true"},
    {"province": "33", "has_template": "false"},
    {"region": "64.74"},
    {"region": "12.71", "category": "kesehatan", "status": "development"},
]


@pytest.mark.parametrize("ordering", ["", SortOrder.NAME, SortOrder.NEWEST, SortOrder.MOST_ADOPTED])
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "&".join(f) or "none")
def test_every_page_is_the_databases_in_its_order(apps, filters, ordering):
    params = {**filters, **({"ordering": ordering} if ordering else {})}
    expected = list(valid_filterset(params).qs.values_list("id", flat=True))
    assert expected == list(
        App.objects.filter(pk__in=expected)
        .order_by(*ORDERINGS[ordering or SortOrder.NAME])
        .values_list("id", flat=True)
    )
    assert every_page(params, 5, expected) == expected


def test_a_count_past_the_window_is_capped(apps, monkeypatch):
    monkeypatch.setattr("catalog.selectors.RESULT_WINDOW", 10)
    paginator, ids = page_of({"ordering": SortOrder.NEWEST}, 2, 5)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (10, True, 2)
    newest = App.objects.order_by(*ORDERINGS[SortOrder.NEWEST]).values_list("id", flat=True)
    assert ids == list(newest[5:10])


def test_a_value_no_app_has_matches_nothing(apps):
    paginator, ids = page_of({"category": "pariwisata"}, 1, 5)
    assert (paginator.count, ids) == (0, [])


def test_the_copy_follows_the_catalog_version(apps, django_capture_on_commit_callbacks):
    first = columns.snapshot()
    assert columns.snapshot() is first
    factories.AppFactory(slug="baru", category="pengaduan")
    assert columns.snapshot() is first  # the write has not committed: the version is the same
    with django_capture_on_commit_callbacks(execute=True):
        catalog_changed()
    second = columns.snapshot()
    assert second is not first and second.size == first.size + 1


def test_an_emptied_cache_never_lends_an_older_copy(apps, monkeypatch):
    monkeypatch.setattr(columns, "VERSION_READ_SECONDS", 0.0)  # a later request, not the same moment
    first = columns.snapshot()
    App.objects.filter(slug="app-0").delete()
    cache.clear()
    assert columns.snapshot().size == first.size - 1


def test_a_copy_is_read_again_once_old(apps, monkeypatch):
    first = columns.snapshot()
    monkeypatch.setattr(columns, "SNAPSHOT_SECONDS", 0.0)
    assert columns.snapshot() is not first


def test_with_a_shared_cache_a_copy_lives_as_long_as_cached_answers(apps, monkeypatch):
    # Every process sees the version bumped by any write: no need to read 100,000 rows again each minute.
    monkeypatch.setattr(columns, "cache_is_shared", lambda: True)
    first = columns.snapshot()
    monkeypatch.setattr(columns, "SNAPSHOT_SECONDS", 0.0)
    assert columns.snapshot() is first
    monkeypatch.setattr(columns, "CACHE_SECONDS", 0.0)
    assert columns.snapshot() is not first


def test_while_the_shared_cache_is_unreachable_a_copy_lives_a_minute(monkeypatch):
    # The version then reads as unknown, and a write's bump may be lost: back to the short age.
    monkeypatch.setattr(columns, "cache_is_shared", lambda: True)
    assert columns.max_age(UNKNOWN_VERSION) == columns.SNAPSHOT_SECONDS
    assert columns.max_age(UNKNOWN_VERSION + 1) == columns.CACHE_SECONDS


@pytest.mark.parametrize(
    "backend, shared",
    [
        ("django.core.cache.backends.locmem.LocMemCache", False),
        ("django.core.cache.backends.dummy.DummyCache", False),
        ("config.cache.FailSoftRedisCache", True),
        ("django.core.cache.backends.db.DatabaseCache", True),
    ],
)
def test_which_caches_are_shared(settings, backend, shared):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:1/0"}}
    assert cache_is_shared() is shared


def test_facet_counts_within_a_search_count_only_its_apps(apps):
    snapshot = columns.snapshot()
    some = list(App.objects.filter(category="pengaduan").values_list("id", flat=True)[:4])
    counts = snapshot.facet_counts([], snapshot.ids_mask([*some, 10**9]))  # an id the copy lacks: ignored
    assert dict(counts["category"]) == {"pengaduan": len(some)}
    expected = {}
    for value in App.objects.filter(pk__in=some).values_list(F("status"), flat=True):
        expected[value] = expected.get(value, 0) + 1
    assert dict(counts["status"]) == expected


@pytest.mark.parametrize("ordering", ["", SortOrder.NAME, SortOrder.NEWEST])
@pytest.mark.parametrize(
    "params",
    [
        {"search": "lapor"},
        {"search": "antrean", "status": "stable"},
        {"search": "santunan lapor"},
        {"search": "zzz"},
    ],
    ids=lambda params: "&".join(f"{key}={value}" for key, value in params.items()),
)
def test_a_searchs_pages_are_the_databases_in_its_order(apps, params, ordering):
    """Relevance (rank, then name and id, ties included: many apps share a name and so a rank) and
    the other orders, from the ranks the search read with its ids."""
    params = {**params, **({"ordering": ordering} if ordering else {})}
    expected = list(valid_filterset(params).qs.values_list("id", flat=True))
    assert every_page(params, 4, expected) == expected


def test_a_list_reads_the_catalog_version_once(apps, api, monkeypatch):
    """The version comes with the cached answer's lookup (one MGET); the columns, asked a moment later
    in the same request, use it instead of reading it again."""
    api.get("/api/v1/apps/", {"category": "kesehatan"})  # the columns exist, as after any request
    reads, inside_get_many = [], [False]
    get, get_many = cache.get, cache.get_many

    def counted_get(key, *args, **kwargs):
        if not inside_get_many[0]:  # the local-memory cache's get_many calls get for each key
            reads.append(key)
        return get(key, *args, **kwargs)

    def counted_get_many(keys, *args, **kwargs):
        inside_get_many[0] = True
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside_get_many[0] = False

    monkeypatch.setattr(cache, "get", counted_get)
    monkeypatch.setattr(cache, "get_many", counted_get_many)
    assert api.get("/api/v1/apps/", {"category": "pengaduan"}).status_code == 200
    assert CATALOG_VERSION_KEY not in reads
