"""The national figures (selectors) and the charts drawn from them; see selectors.py and charts.py."""

from .cache import cached
from .selectors import (
    EVERYTHING,
    LINK_KINDS,
    MAX_MONTHS,
    Scope,
    network,
    provinces,
    region_categories,
    sla,
    summary,
    timeline,
)

__all__ = [
    "EVERYTHING",
    "LINK_KINDS",
    "MAX_MONTHS",
    "Scope",
    "cached",
    "network",
    "provinces",
    "region_categories",
    "sla",
    "summary",
    "timeline",
]
