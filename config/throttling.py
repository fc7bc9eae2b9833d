"""API rate limits: anonymous clients by IP address ("anon"), signed-in users by account ("user").

On Redis, each client's requests are counted in a fixed window by one counter that a single round trip
increments and reads (`CountedRateThrottle`). DRF's throttles keep every client's request times in one
cached list, read and written on every request: two round trips and a pickled list of up to the rate's
number of times. On other caches (local memory, the dummy cache) DRF's own way counts.
"""

from __future__ import annotations

import logging

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError
from rest_framework import throttling

logger = logging.getLogger(__name__)


class CountedRateThrottle(throttling.SimpleRateThrottle):
    """A fixed window of `duration` seconds per client, counted by INCR on Redis.

    The window starts with the client's first request (SET NX with the window's expiry); every request
    increments the counter and reads its time left (the Retry-After of a refused one), all in one
    pipeline. A client may so send up to twice the rate across two windows' edges, as with any fixed
    window; in exchange one round trip replaces two and nothing grows with the rate. If Redis cannot be
    reached, the request is let through (as FailSoftRedisCache lets every cache read miss)."""

    _retry_after: float | None = None

    def allow_request(self, request, view):
        backend = caches["default"]
        if not isinstance(backend, RedisCache) or self.rate is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        key = backend.make_and_validate_key(self.key)
        try:
            pipeline = backend._cache.get_client(key, write=True).pipeline(transaction=False)
            pipeline.set(key, 0, ex=self.duration, nx=True)
            pipeline.incr(key)
            pipeline.pttl(key)
            _created, count, left_ms = pipeline.execute()
        except RedisError as exc:
            logger.warning("Rate limit not counted (Redis cannot be reached): %s", exc)
            return True
        if count <= self.num_requests:
            return True
        self._retry_after = max(left_ms, 1) / 1000 if left_ms > 0 else float(self.duration)
        return False

    def wait(self):
        if self._retry_after is not None:
            return self._retry_after
        return super().wait()


class AnonRateThrottle(CountedRateThrottle, throttling.AnonRateThrottle):
    """The "anon" rate, per IP address, for clients that are not signed in."""


class SignedInRateThrottle(CountedRateThrottle, throttling.UserRateThrottle):
    """The "user" rate, for signed-in users only.

    DRF's UserRateThrottle also counts anonymous clients, by IP address, at the "user" rate: a second
    count of what AnonRateThrottle counts at its lower rate, which limits nothing more and cost every
    anonymous API request more round trips to the cache."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # not throttled by this class: the "anon" rate applies
        return super().get_cache_key(request, view)
