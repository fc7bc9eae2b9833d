"""A Redis cache that degrades to "no cache" while Redis cannot be reached.

Everything Lumbung keeps in the cache (catalog pages and counts, throttle counters, login lock-outs'
counters) can be recomputed or, for a few seconds, done without. So an unreachable Redis must make the
site slower, never answer 500: a read misses, a write is dropped, and one warning a minute says so.
Lost writes have a bounded cost: cached catalog answers live at most ``catalog.selectors.CACHE_SECONDS``.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 60.0


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache; an operation that fails because Redis is down returns its "empty" answer."""

    _last_warning = 0.0

    def _unavailable(self, operation: str, exc: Exception, default):
        now = time.monotonic()
        if now - FailSoftRedisCache._last_warning >= WARN_EVERY_SECONDS:
            FailSoftRedisCache._last_warning = now
            logger.warning("Cache unreachable (%s failed: %s); answering without it.", operation, exc)
        return default

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            return self._unavailable("get", exc, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            return self._unavailable("get_many", exc, {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as exc:
            return self._unavailable("has_key", exc, False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            return self._unavailable("add", exc, False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except RedisError as exc:
            return self._unavailable("set", exc, None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            return self._unavailable("set_many", exc, list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as exc:
            return self._unavailable("touch", exc, False)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as exc:
            return self._unavailable("delete", exc, False)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except RedisError as exc:
            return self._unavailable("delete_many", exc, None)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            # Counters (throttles, the catalog version) start again from their default once Redis is back.
            return self._unavailable("incr", exc, delta)

    def clear(self):
        try:
            return super().clear()
        except RedisError as exc:
            return self._unavailable("clear", exc, False)
