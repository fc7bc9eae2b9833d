"""The catalog's search: the synonym file and parsing (vocabulary), the query on PostgreSQL and SQLite
(query), typo tolerance and suggestions (typos), text higher apps add to an app's document (providers)."""

from .providers import extra_search_text, register_search_text
from .query import SEARCH_CONFIG, Found, filter_apps, find_apps, matches
from .typos import correct, suggestions
from .vocabulary import parse, synonyms

__all__ = [
    "SEARCH_CONFIG",
    "Found",
    "correct",
    "extra_search_text",
    "filter_apps",
    "find_apps",
    "matches",
    "parse",
    "register_search_text",
    "suggestions",
    "synonyms",
]
