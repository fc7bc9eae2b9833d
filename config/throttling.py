"""API rate limits: anonymous clients by IP address ("anon"), signed-in users by account ("user")."""

from rest_framework.throttling import UserRateThrottle


class SignedInRateThrottle(UserRateThrottle):
    """The "user" rate, for signed-in users only.

    DRF's UserRateThrottle also counts anonymous clients, by IP address, at the "user" rate: a second
    count of what AnonRateThrottle counts at its lower rate, which limits nothing more and cost every
    anonymous API request two more round trips to the cache (a read and a write of its history)."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # not throttled by this class: the "anon" rate applies
        return super().get_cache_key(request, view)
