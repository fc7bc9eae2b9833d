"""The stats answers of the API and the dashboard, cached for a minute: each aggregates every app,
adoption and copy, and the national figures need not be fresher than that. The key holds the catalog
version, so an app or adoption recorded through the catalog's services shows at once; copies,
replications and reports show within the minute. (The panels on the home, app and region pages read
the selectors directly: their queries are narrow or answered from an index.)"""

from collections.abc import Callable

from django.core.cache import cache

from catalog.cache import catalog_version

from .selectors import Scope, this_month

STATS_SECONDS = 60


def cached(name: str, scope: Scope, compute: Callable):
    key = f"stats:{catalog_version()}:{this_month():%Y-%m}:{name}:{scope.category}:{scope.app}:{scope.region}"
    return cache.get_or_set(key, compute, STATS_SECONDS)
