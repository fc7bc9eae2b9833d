"""The facet counts from the catalog's columns in memory (catalog/columns.py) against the definition: for
each facet, the apps that every filter but the facet's own lets through, counted per value by the ORM,
one query per facet."""

import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalog import search, selectors
from catalog.filtersets import AppFilterSet
from tests import factories

pytestmark = pytest.mark.django_db

REGIONS = ("33.74", "33.25", "64.74", "12.71", "35.73")
VALUES = {
    "category": ["pengaduan", "kesehatan", "perencanaan"],
    "dimension": ["governance", "society", "economy"],
    "status": ["stable", "development", "concept"],
    "spbe_type": ["umum", "khusus"],
    "license": ["MIT", "GPL-3.0-or-later"],
}


@pytest.fixture
def spread(regions):
    rng = random.Random(14)
    for n in range(40):
        code = rng.choice(REGIONS)
        factories.AppFactory(
            name=f"Layanan {'aduan warga' if n % 3 else 'antrean'} {n}",
            owner_region=factories.region(code),
            has_template=rng.random() < 0.3,
            **{key: rng.choice(values) for key, values in VALUES.items()},
        )


def expected(params: dict) -> dict[str, dict[str, int]]:
    result = {}
    for facet, column in AppFilterSet.FACETS.items():
        others = QueryDict(mutable=True)
        for key, values in params.items():
            if key != facet:
                others.setlist(key, values)
        filterset = AppFilterSet(others, queryset=selectors.app_queryset())
        assert filterset.is_valid(), filterset.errors
        rows = filterset.qs.order_by().values_list(column).annotate(n=Count("pk"))
        result[facet] = {str(value).lower() if isinstance(value, bool) else value: n for value, n in rows}
    return result


CASES = [
    {},
    {"category": ["pengaduan"]},
    {"status": ["stable"], "license": ["MIT"]},
    {"category": ["pengaduan", "kesehatan"], "province": ["33"], "has_template": ["true"]},
    {"region": ["64.74"], "dimension": ["society"], "spbe_type": ["umum"], "status": ["stable", "concept"]},
    {"search": ["aduan"]},
    {"search": ["aduan"], "province": ["33"], "license": ["GPL-3.0-or-later"]},
    {"has_template": ["false"], "category": ["perencanaan"]},
]


@pytest.mark.parametrize("params", CASES, ids=lambda params: "&".join(params) or "none")
def test_the_columns_count_what_one_query_per_facet_counts(spread, params):
    cache.clear()
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values)
    filterset = selectors.app_filterset(query)
    assert filterset.is_valid()
    found = {
        facet: {item["value"]: item["count"] for item in items}
        for facet, items in selectors.app_facets(filterset).items()
    }
    assert found == expected(params)


@pytest.mark.parametrize("search", [False, True])
def test_facets_run_two_queries_whatever_the_filters(spread, search):
    """One for the catalog's columns (catalog.columns: read once per catalog version, and each case
    empties the cache), one for the regions' names; a search adds its own (catalog.search reads the ids
    and ranks of the apps it finds once; on PostgreSQL after a plan estimate that chooses how)."""
    searching = 2 if connection.vendor == "postgresql" else 1
    for params in ({}, {"status": "stable"}, {"status": "stable", "license": "MIT", "category": "kesehatan"}):
        cache.clear()
        data = QueryDict(mutable=True)
        data.update({**params, **({"search": "aduan"} if search else {})})
        with CaptureQueriesContext(connection) as ctx:
            filterset = selectors.app_filterset(data)
            assert filterset.is_valid()
            selectors.app_facets(filterset)
        expected = 2 + (searching if search else 0)
        assert len(ctx.captured_queries) == expected, [q["sql"][:80] for q in ctx.captured_queries]


def test_a_page_with_results_and_facets_searches_once(api, spread):
    """The browse page and the API's facets reuse the search their results ran."""
    with CaptureQueriesContext(connection) as ctx:
        assert api.get("/api/v1/apps/facets/", {"search": "aduan", "status": "stable"}).status_code == 200
    # The search itself is the query that picks its window, the most adopted matches, and ranks them
    # (catalog.search).
    window = f"LIMIT {search.query.SEARCH_WINDOW + 1}"
    searches = [q for q in ctx.captured_queries if window in q["sql"]]
    assert len(searches) == 1, [q["sql"] for q in searches]
