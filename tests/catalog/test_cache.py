"""catalog.cache: answers read with the catalog version in one round trip, and dropped by any write."""

import pytest
from django.core.cache import cache, caches
from django.db import transaction

from catalog import cache as catalog_cache


@pytest.fixture
def operations(settings, monkeypatch):
    """The cache operations the code under test asks for (each a round trip to Redis), by name, on a
    fresh local-memory cache; the calls a local-memory operation makes to its siblings are not counted."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    backend = caches["default"]
    backend.clear()
    calls, depth = [], [0]
    for name in ("get", "get_many", "set", "add", "incr"):
        original = getattr(backend, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            if not depth[0]:
                calls.append(_name)
            depth[0] += 1
            try:
                return _original(*args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(backend, name, counted)
    return calls


def test_a_cached_answer_is_one_round_trip_and_a_miss_two(operations):
    catalog_cache.catalog_version()  # the version exists, as once any request has run
    computed = []
    compute = lambda: computed.append(1) or {"apps": [1, 2]}  # noqa: E731
    catalog_cache.lookups.reset()
    operations.clear()
    assert catalog_cache.cached(("q", 1), compute) == {"apps": [1, 2]}
    assert operations == ["get_many", "set"]
    operations.clear()
    assert catalog_cache.cached(("q", 1), compute) == {"apps": [1, 2]}
    assert operations == ["get_many"]
    assert computed == [1]
    assert (catalog_cache.lookups.hits, catalog_cache.lookups.misses) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_an_answer_of_an_older_catalog_version_is_computed_again(operations):
    answers = iter(["before", "after"])
    assert catalog_cache.cached(("q",), lambda: next(answers)) == "before"
    with transaction.atomic():
        catalog_cache.catalog_changed()  # bumps the version once the write commits
        assert catalog_cache.cached(("q",), lambda: "not yet committed") == "before"
    assert catalog_cache.cached(("q",), lambda: next(answers)) == "after"
    assert catalog_cache.cached(("q",), lambda: "never") == "after"


def test_none_and_falsy_answers_are_cached_too(operations):
    assert catalog_cache.cached(("none",), lambda: None) is None
    assert catalog_cache.cached(("none",), lambda: "computed again") is None
    assert catalog_cache.cached(("empty",), lambda: []) == []
    assert catalog_cache.cached(("empty",), lambda: [1]) == []


def test_an_emptied_cache_starts_a_new_version(operations):
    """A new number, not an earlier one: copies kept in a process under a version (catalog.columns)
    must not pass for the catalog as it is after the cache was emptied."""
    assert catalog_cache.cached(("q",), lambda: 1) == 1
    first = cache.get(catalog_cache.CATALOG_VERSION_KEY)
    cache.clear()
    assert catalog_cache.cached(("q",), lambda: 2) == 2
    assert cache.get(catalog_cache.CATALOG_VERSION_KEY) not in (None, first)
