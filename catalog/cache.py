"""Cached catalog answers, valid for the catalog version that every catalog write bumps.

Reads (`cached`, `cached_json`) and the write that invalidates them (`catalog_changed`) share this
module, so that selectors and services both use it without importing each other.
"""

import hashlib
import secrets
import threading
import time
from collections.abc import Callable

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from rest_framework.renderers import JSONRenderer

CACHE_SECONDS = 600
CATALOG_VERSION_KEY = "catalog:version"
# What catalog_version() answers when the cache keeps nothing (the dummy cache) or cannot be reached.
UNKNOWN_VERSION = 1


class _Read(threading.local):
    """The catalog version this thread read last, and when (time.monotonic())."""

    version: int | None = None
    at = 0.0


_read = _Read()


def catalog_version(*, within: float = 0.0) -> int:
    """A number that changes on every catalog write; cached pages and counts are keyed on it.

    It starts at a random number, so that a cache emptied and filled again never gives an earlier
    version's number to the catalog as it is now (processes keep copies under it: catalog.columns). A
    cache that keeps nothing (the dummy cache) gives 1, always. `within`: the version this thread read
    at most that many seconds ago will do (a request that read it with a cached answer asks again a
    moment later for the columns: one round trip less)."""
    now = time.monotonic()
    if within and _read.version is not None and now - _read.at <= within:
        return _read.version
    version = cache.get(CATALOG_VERSION_KEY)
    if version is None:
        cache.add(CATALOG_VERSION_KEY, _new_version(), timeout=None)
        version = cache.get(CATALOG_VERSION_KEY, UNKNOWN_VERSION)
    _seen(version, now)
    return version


def cache_is_shared() -> bool:
    """Whether every process reads the same cache, and so sees each other's version bumps: not a
    process's own memory, nor the dummy cache that keeps nothing."""
    return not isinstance(caches[DEFAULT_CACHE_ALIAS], LocMemCache | DummyCache)


def _seen(version: int | None, now: float) -> None:
    _read.version, _read.at = version, now


def _new_version() -> int:
    return secrets.randbelow(2**62) + 2


def catalog_changed() -> None:
    """Invalidate every cached catalog answer, once the current transaction commits."""

    def bump() -> None:
        _seen(None, 0.0)  # this thread's next read is of the new version
        try:
            cache.incr(CATALOG_VERSION_KEY)
        except ValueError:
            cache.set(CATALOG_VERSION_KEY, _new_version(), timeout=None)

    transaction.on_commit(bump)


def cache_key(*parts) -> str:
    """The key of a cached answer. The catalog version is not part of it: it is stored with the answer
    (see `cached`), so that one round trip reads both."""
    return "catalog:answer:" + hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()


class Lookups(threading.local):
    """How many cached answers this thread found and computed since `reset()`: the catalog benchmark
    reads them per request (bench/middleware.py) to tell a measured query from a cache hit."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.hits = self.misses = 0


lookups = Lookups()


def cached(key_parts, compute: Callable, timeout: int = CACHE_SECONDS, *, answer: bool = True):
    """`compute()`, cached under `key_parts` for the current catalog version. `answer=False` for what is
    not an answer to one query (a vocabulary every query shares): it is left out of `lookups`.

    The answer is stored with the version it was computed at, and read with the current version in one
    round trip (MGET): an answer of an older version is a miss, and is overwritten."""
    key = cache_key(*key_parts)
    found = cache.get_many([CATALOG_VERSION_KEY, key])
    version = found.get(CATALOG_VERSION_KEY)
    if version is None:
        version = catalog_version()  # the first read since the cache was emptied
    else:
        _seen(version, time.monotonic())
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        if answer:
            lookups.hits += 1
        return stored[1]
    value = compute()
    cache.set(key, (version, value), timeout)  # two requests computing the same answer store the same
    if answer:
        lookups.misses += 1
    return value


def cached_json(key_parts, compute: Callable) -> bytes:
    """The JSON body of `compute()` (API data), cached under `key_parts` and the catalog version."""
    return cached(key_parts, lambda: JSONRenderer().render(compute()))
