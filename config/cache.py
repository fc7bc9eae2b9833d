"""A Redis cache that degrades to "no cache" while Redis cannot be reached.

Everything Lumbung keeps in the cache (catalog pages and counts, throttle counters, login lock-outs'
counters) can be recomputed or, for a few seconds, done without. So an unreachable Redis must make the
site slower, never answer 500: a read misses, a write is dropped, and one warning a minute says so.
Lost writes have a bounded cost: cached catalog answers live at most ``catalog.cache.CACHE_SECONDS``.
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 60.0


def _fail_soft(name: str, answer):
    """RedisCache's method `name`, answering `answer(*args)` when Redis cannot be reached."""
    parent = getattr(RedisCache, name)

    @functools.wraps(parent)
    def method(self, *args, **kwargs):
        try:
            return parent(self, *args, **kwargs)
        except RedisError as exc:
            self._unavailable(name, exc)
            return answer(*args, **kwargs)

    return method


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a `redis.Redis` for every operation, 0.16 ms with redis-py 8 (a cached catalog
    answer takes two operations, a throttled API request two more); one per connection pool does, as
    redis-py's clients are thread-safe and share their pool's connections."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache; an operation that fails because Redis is down returns its "empty" answer."""

    _last_warning = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _unavailable(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        if now - FailSoftRedisCache._last_warning >= WARN_EVERY_SECONDS:
            FailSoftRedisCache._last_warning = now
            logger.warning("Cache unreachable (%s failed: %s); answering without it.", operation, exc)

    get = _fail_soft("get", lambda key, default=None, version=None: default)
    get_many = _fail_soft("get_many", lambda *args, **kwargs: {})
    has_key = _fail_soft("has_key", _false)
    add = _fail_soft("add", _false)
    set = _fail_soft("set", _nothing)
    set_many = _fail_soft("set_many", lambda data, *args, **kwargs: list(data))  # the keys not stored
    touch = _fail_soft("touch", _false)
    delete = _fail_soft("delete", _false)
    delete_many = _fail_soft("delete_many", _nothing)
    # Counters (throttles, the catalog version) start again from their default once Redis is back.
    incr = _fail_soft("incr", lambda key, delta=1, version=None: delta)
    clear = _fail_soft("clear", _false)
