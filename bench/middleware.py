"""Mounted only when LUMBUNG_BENCH=1 (config/settings.py): each response says how many cached catalog
answers its request found and computed (`X-Cache-Lookups: <hits>/<lookups>`), so that the long-tail
benchmark measures queries, not the cache (bench/catalog.py prints the hit rate)."""

from catalog.cache import lookups


class CacheLookupsHeader:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lookups.reset()
        response = self.get_response(request)
        response["X-Cache-Lookups"] = f"{lookups.hits}/{lookups.hits + lookups.misses}"
        return response
