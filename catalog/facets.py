"""The catalog's facets: the filter columns that the browse page and the API count apps by.

A facet counts the apps under every current filter except its own (choosing another category keeps the
other categories' counts). The counts come from the columns in memory (catalog.columns): one
GROUP BY GROUPING SETS query over covering indexes took 50-250 ms at 100,000 apps, since a filter on
any column but an index's first reads the whole index.
"""

from dataclasses import dataclass

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
