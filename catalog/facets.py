"""The browse page's and the API's facet counts, every facet in one query.

A facet counts the apps under every current filter except its own (choosing another category keeps the
other categories' counts). So the facets without a filter of their own all count the same rows, the
apps that pass every filter: on PostgreSQL one GROUP BY GROUPING SETS counts them all in one scan; and
each facet with a filter counts the apps that pass the others, in a GROUP BY of its own. All of it is
one UNION ALL query, which PostgreSQL answers from covering indexes (`app_facets`, migration 0015)
without reading the apps' rows; a search's apps are found once (a materialized CTE) for every branch.
Before, eight queries scanned the filtered apps again, one per facet (about 100 ms at 100,000 apps).

Only the fixed column names of COLUMNS and facet keys are formatted into the SQL (hence the `noqa: S608`);
every value a request sends is a query parameter.
"""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection

# Facet key -> column of catalog_app (the keys are AppFilterSet.FACETS').
COLUMNS = {
    "category": "category",
    "dimension": "dimension",
    "province": "owner_province_id",
    "region": "owner_region_id",
    "status": "status",
    "spbe_type": "spbe_type",
    "has_template": "has_template",
    "license": "license",
}
# Facets whose values are region codes: their counts come with the region's name.
REGION_FACETS = ("province", "region")


@dataclass(frozen=True)
class Condition:
    """A facet's own filter: its column is one of `values`."""

    facet: str
    values: tuple

    def sql(self) -> tuple[str, list]:
        column = COLUMNS[self.facet]
        if len(self.values) == 1:
            return f"{column} = %s", list(self.values)
        return f"{column} IN ({', '.join(['%s'] * len(self.values))})", list(self.values)


def facet_counts(conditions: list[Condition], within=None) -> dict[str, list[tuple[str, int]]]:
    """For each facet: (value, count) under every condition but the facet's own, most first. `within`:
    a queryset of the apps the counts are limited to (a search), or None."""
    prefix, params = "", []
    if within is not None:
        try:
            inner, inner_params = within.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a search that found nothing
            return {facet: [] for facet in COLUMNS}
        materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
        prefix, params = f"WITH found AS {materialized}({inner}) ", list(inner_params)

    def where(kept: list[Condition]) -> str:
        clauses = ["id IN (SELECT * FROM found)"] if within is not None else []
        for condition in kept:
            sql, values = condition.sql()
            clauses.append(sql)
            params.extend(values)
        return " WHERE " + " AND ".join(clauses) if clauses else ""

    branches = []
    filtered = {condition.facet for condition in conditions}
    free = [facet for facet in COLUMNS if facet not in filtered]
    if free and connection.vendor == "postgresql":
        sets = ", ".join(f"({COLUMNS[facet]})" for facet in free)
        which = " ".join(f"WHEN {mask} THEN '{facet}'" for facet, mask in _grouping_masks(free))
        value = ", ".join(_text(COLUMNS[facet]) for facet in free)
        grouping = ", ".join(COLUMNS[facet] for facet in free)
        branches.append(
            f"SELECT CASE GROUPING({grouping}) {which} END, COALESCE({value}), COUNT(*) "  # noqa: S608
            f"FROM catalog_app{where(conditions)} GROUP BY GROUPING SETS ({sets})"
        )
    elif free:
        branches += [_branch(facet, where(conditions)) for facet in free]
    for condition in conditions:
        others = [other for other in conditions if other is not condition]
        branches.append(_branch(condition.facet, where(others)))
    result: dict[str, list] = {facet: [] for facet in COLUMNS}
    with connection.cursor() as cursor:
        cursor.execute(prefix + " UNION ALL ".join(branches), params)
        for facet, value, n in cursor.fetchall():
            result[facet].append((value, n))
    for rows in result.values():
        rows.sort(key=lambda row: (-row[1], row[0]))
    return result


def _branch(facet: str, where: str) -> str:
    column = COLUMNS[facet]
    return f"SELECT '{facet}', {_text(column)}, COUNT(*) FROM catalog_app{where} GROUP BY {column}"  # noqa: S608


def _grouping_masks(facets: list[str]) -> list[tuple[str, int]]:
    """GROUPING(a, b, c) has a bit per argument, the first the highest, set when it is not grouped: in
    the set that groups the i-th facet alone, every bit but the i-th is set."""
    full = (1 << len(facets)) - 1
    return [(facet, full & ~(1 << (len(facets) - 1 - i))) for i, facet in enumerate(facets)]


def _text(column: str) -> str:
    # has_template is a boolean (0/1 on SQLite): the facet's values are "true" and "false" everywhere.
    if column == "has_template":
        return "CASE WHEN has_template THEN 'true' WHEN NOT has_template THEN 'false' END"
    return column
