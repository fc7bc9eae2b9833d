"""Cached catalog answers, keyed on a catalog version that every catalog write bumps.

Reads (`cached`, `cached_json`) and the write that invalidates them (`catalog_changed`) share this
module, so that selectors and services both use it without importing each other.
"""

import hashlib
import threading
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from rest_framework.renderers import JSONRenderer

CACHE_SECONDS = 600
CATALOG_VERSION_KEY = "catalog:version"


def catalog_version() -> int:
    """A number that changes on every catalog write; cached pages and counts are keyed on it."""
    version = cache.get(CATALOG_VERSION_KEY)
    if version is None:
        cache.add(CATALOG_VERSION_KEY, 1, timeout=None)
        version = cache.get(CATALOG_VERSION_KEY, 1)
    return version


def catalog_changed() -> None:
    """Invalidate every cached catalog answer, once the current transaction commits."""

    def bump() -> None:
        try:
            cache.incr(CATALOG_VERSION_KEY)
        except ValueError:
            cache.set(CATALOG_VERSION_KEY, 2, timeout=None)

    transaction.on_commit(bump)


def cache_key(*parts) -> str:
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f"catalog:{catalog_version()}:{digest}"


class Lookups(threading.local):
    """How many cached answers this thread found and computed since `reset()`: the catalog benchmark
    reads them per request (bench/middleware.py) to tell a measured query from a cache hit."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.hits = self.misses = 0


lookups = Lookups()
_MISSING = object()


def cached(key_parts, compute: Callable, timeout: int = CACHE_SECONDS, *, answer: bool = True):
    """`compute()`, cached under `key_parts` and the catalog version. `answer=False` for what is not an
    answer to one query (a vocabulary every query shares): it is left out of `lookups`."""
    key = cache_key(*key_parts)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout)  # two requests computing the same answer store the same value
        if answer:
            lookups.misses += 1
    elif answer:
        lookups.hits += 1
    return value


def cached_json(key_parts, compute: Callable) -> bytes:
    """The JSON body of `compute()` (API data), cached under `key_parts` and the catalog version."""
    return cached(key_parts, lambda: JSONRenderer().render(compute()))
