"""Cached catalog answers, keyed on a catalog version that every catalog write bumps.

Reads (`cached`, `cached_json`) and the write that invalidates them (`catalog_changed`) share this
module, so that selectors and services both use it without importing each other.
"""

import hashlib
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


def cached(key_parts, compute: Callable, timeout: int = CACHE_SECONDS):
    """`compute()`, cached under `key_parts` and the catalog version."""
    return cache.get_or_set(cache_key(*key_parts), compute, timeout)


def cached_json(key_parts, compute: Callable) -> bytes:
    """The JSON body of `compute()` (API data), cached under `key_parts` and the catalog version."""
    return cached(key_parts, lambda: JSONRenderer().render(compute()))
