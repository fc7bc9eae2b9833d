"""The catalog's filter columns in memory: one copy per process and catalog version.

Counting the apps that pass a combination of filters, every facet's counts and a filtered page in a
chosen order are, at 100,000 apps, what a B-tree serves badly: a filter on any column but the first of a
composite index reads the whole index (5-45 ms a count, 50-250 ms all the facets, measured with
EXPLAIN ANALYZE on the benchmark's database). Here each filter column is an array of small integer codes,
one per app in (name, id) order, as search engines keep their facet columns: a filter is one vectorised
comparison, a count a sum, each facet's counts one `bincount`, and a page of ids a slice of the chosen
order. Measured at 100,000 apps (7 MB of arrays): a filter and its count 0.1 ms, a page in the newest
order 0.3 ms, all eight facets' counts 1.9 ms.

The copy is read again when the catalog version changes (every catalog write bumps it, catalog.cache),
and once it is older than `max_age`: a minute where the cache is the process's own (or none), whose
version other processes' writes never move; the cached answers' own lifetime where it is shared, for a
write whose bump was lost while the cache was down. The read is one query, on PostgreSQL an index-only
scan of `app_name_covering` (migration 0017) in name order; each process pays it on its first request
after a write: 0.45-0.65 s at 100,000 apps on a loaded 2-core machine (PostgreSQL 30 ms of it; 1.0-1.1 s
before, reading and sorting the 2.2 KB rows and making a datetime per row). The apps' rows themselves are
always read from the database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence, Sized

import numpy as np
from django.db import connections
from django.db.models import BigIntegerField, Func

from .cache import CACHE_SECONDS, UNKNOWN_VERSION, cache_is_shared, catalog_version
from .choices import SortOrder
from .facets import COLUMNS, Condition
from .models import App

SNAPSHOT_SECONDS = 60.0
# A catalog version read this recently by the same thread (with a cached answer, a moment before in the
# same request) is used as it is: one round trip to the cache less per request.
VERSION_READ_SECONDS = 0.05


def _value(facet: str, value):
    # has_template is a boolean column (0 and 1 as SQLite reads it); its facet values are "true" and
    # "false" (catalog.facets).
    if facet == "has_template" and isinstance(value, bool | int):
        return "true" if value else "false"
    return value


class Snapshot:
    """The filter columns of every app, in (name, id) order, at one catalog version."""

    def __init__(self, rows: Sequence[tuple], version) -> None:
        # rows: (id, created_at, adoption_count, *COLUMNS' columns), ordered by name and id; created_at
        # as anything that sorts as the database sorts the column (see _CreatedKey).
        self.version, self.read_at, n = version, time.monotonic(), len(rows)
        self.size = n
        ids, created, adopted, *filters = zip(*rows, strict=True) if n else [()] * (3 + len(COLUMNS))
        self.ids = np.array(ids, dtype=np.int64)
        self.values: dict[str, list] = {}
        self.codes: dict[str, np.ndarray] = {}
        self._code_of: dict[str, dict] = {}
        for facet, column in zip(COLUMNS, filters, strict=True):
            # The codes number the distinct values as read; `values` and `_code_of` speak the facet's.
            code_of_read = {value: code for code, value in enumerate(dict.fromkeys(column))}
            self.codes[facet] = np.fromiter(map(code_of_read.__getitem__, column), np.int32, count=n)
            self.values[facet] = [_value(facet, value) for value in code_of_read]
            self._code_of[facet] = {value: code for code, value in enumerate(self.values[facet])}
        created_rank = np.unique(np.array(created), return_inverse=True)[1] if n else np.zeros(0, np.int64)
        adopted = np.array(adopted, dtype=np.int64)
        positions = np.arange(n)
        # The orders of filtersets.ORDERINGS, as the database sorts them; positions are (name, id) order
        # already, so the name order needs no array of its own.
        self._orders = {
            SortOrder.NEWEST: np.lexsort((-self.ids, -created_rank)),
            SortOrder.MOST_ADOPTED: np.lexsort((positions, -adopted)),
        }
        by_id = np.argsort(self.ids, kind="stable")
        self._sorted_ids, self._position_of_sorted = self.ids[by_id], by_id

    # Which apps -------------------------------------------------------------------------------------

    def condition_mask(self, condition: Condition) -> np.ndarray:
        code_of = self._code_of[condition.facet]
        values = (_value(condition.facet, value) for value in condition.values)
        wanted = [code_of[value] for value in values if value in code_of]
        if not wanted:
            return np.zeros(self.size, dtype=bool)
        codes = self.codes[condition.facet]
        return codes == wanted[0] if len(wanted) == 1 else np.isin(codes, wanted)

    def ids_mask(self, ids: Iterable[int]) -> np.ndarray:
        """The apps of `ids` (those the copy has)."""
        wanted = np.fromiter(ids, dtype=np.int64, count=len(ids) if isinstance(ids, Sized) else -1)
        mask = np.zeros(self.size, dtype=bool)
        if not self.size or not len(wanted):
            return mask
        index = np.searchsorted(self._sorted_ids, wanted).clip(max=self.size - 1)
        found = self._sorted_ids[index] == wanted
        mask[self._position_of_sorted[index[found]]] = True
        return mask

    def mask(self, conditions: Iterable[Condition], within: np.ndarray | None = None) -> np.ndarray:
        mask = np.ones(self.size, dtype=bool) if within is None else within.copy()
        for condition in conditions:
            mask &= self.condition_mask(condition)
        return mask

    # Answers ----------------------------------------------------------------------------------------

    def page_ids(self, mask: np.ndarray, ordering: str, bottom: int, top: int) -> list[int]:
        """The ids of the matching apps `bottom` to `top` in `ordering` (a SortOrder but relevance)."""
        order = self._orders.get(ordering)
        positions = np.flatnonzero(mask) if order is None else order[mask[order]]
        return self.ids[positions[bottom:top]].tolist()

    def ranked_ids(self, mask: np.ndarray, ranks: dict[int, float], bottom: int, top: int) -> list[int]:
        """The ids of the matching apps `bottom` to `top` by relevance: rank, highest first, then name and
        id (the position), as the database orders a search's results."""
        positions = np.flatnonzero(mask)
        rank = np.fromiter((ranks[app_id] for app_id in self.ids[positions].tolist()), np.float64)
        return self.ids[positions[np.lexsort((positions, -rank))[bottom:top]]].tolist()

    def facet_counts(self, conditions: list[Condition], within: np.ndarray | None = None) -> dict:
        """catalog.facets.facet_counts, from the columns: for each facet, (value, count) under every
        condition but the facet's own, most first."""
        masks = {condition.facet: self.condition_mask(condition) for condition in conditions}
        everything = self.mask([], within)
        for mask in masks.values():
            everything &= mask
        result = {}
        for facet in COLUMNS:
            if facet in masks:
                kept = self.mask([], within)
                for other, mask in masks.items():
                    if other != facet:
                        kept &= mask
            else:
                kept = everything
            counts = np.bincount(self.codes[facet][kept], minlength=len(self.values[facet]))
            rows = [(value, int(n)) for value, n in zip(self.values[facet], counts, strict=True) if n]
            rows.sort(key=lambda row: (-row[1], row[0] is None, row[0] or ""))
            result[facet] = rows
        return result


class _CreatedKey(Func):
    """created_at as a number that sorts as the column does (microseconds since 1970): a datetime object
    per row made reading the columns twice as slow. SQLite keeps the column as ISO 8601 text, which sorts
    as its datetimes do, and reads it as it is."""

    template = "%(expressions)s"
    output_field = BigIntegerField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def _read(version) -> Snapshot:
    # On PostgreSQL an index-only scan of app_name_covering (migration 0017), in its order. The compiled
    # query runs on a plain cursor: Django's row iteration took a third of the time and changes nothing
    # here (booleans come as 0 and 1 from SQLite, which _value reads).
    query = (
        App.objects.order_by("name", "id")
        .annotate(created_key=_CreatedKey("created_at"))
        .values_list("id", "created_key", "adoption_count", *COLUMNS.values())
    )
    sql, params = query.query.get_compiler(using=query.db).as_sql()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        return Snapshot(cursor.fetchall(), version)


_lock = threading.Lock()
_shared: Snapshot | None = None


def snapshot() -> Snapshot:
    """This process's copy of the columns, read again when the catalog version has changed."""
    global _shared
    version = catalog_version(within=VERSION_READ_SECONDS)
    found = _shared
    if found is None or found.version != version or time.monotonic() - found.read_at > max_age(version):
        found = _read(version)
        with _lock:
            _shared = found
    return found


def max_age(version) -> float:
    """Seconds a copy is used at an unchanged version: with a cache that every process shares (whose
    version moves on every write), as long as the cached answers themselves live; otherwise, or while
    that cache cannot be reached, SNAPSHOT_SECONDS."""
    if version != UNKNOWN_VERSION and cache_is_shared():
        return CACHE_SECONDS
    return SNAPSHOT_SECONDS


def forget() -> None:
    """Drop this process's copy (tests, after emptying the cache)."""
    global _shared
    _shared = None
