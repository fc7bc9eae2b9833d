"""The catalog search, the same on the list page, the API and the search page (through AppFilterSet).

1. What was typed is parsed into terms, each with its equivalents from the synonym file (vocabulary.py).
2. Every term must match (one of its equivalents). PostgreSQL: one `to_tsquery` with the `indonesian`
   configuration (stemming) against the stored, GIN-indexed, weighted tsvector; ranked by ts_rank (name >
   short descriptions > the rest). SQLite: each equivalent is a substring of the stored lower-cased
   search text (so a prefix too); ranked by where each term matched (name > short descriptions > the
   rest), in SQL.
3. Only when that finds nothing, PostgreSQL tries each typed word as a prefix (`:*`, a word still being
   typed): a prefix matches many more rows, which the index must then recheck (a search that found
   something in one step took 3x longer when every word was a prefix), so whole words go first.
4. Only when that finds nothing: unknown words are corrected to the closest known words (typos.py), then,
   for several terms, any term may match (ranked by how many do).
5. Each step reads at most SEARCH_WINDOW + 1 matches, the most adopted, as ids with their ranks (`Found`):
   the count, the relevance order, the pages and the facet counts all come from those and the catalog's
   columns in memory (catalog.columns), so the text index is searched once per request.
"""

import functools
import json
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from .. import columns
from ..models import App
from . import typos
from .vocabulary import Query, Term, parse

SEARCH_CONFIG = "indonesian"
# A search is ranked within at most this many apps, the most adopted of those it finds (GitHub's search
# keeps a window of 1,000 results too): the pages stop there and say that more apps match.
SEARCH_WINDOW = 1_000
# The unstemmed copy of the document in the same tsvector (weight D), for prefixes of words being typed.
PREFIX_CONFIG = "simple"


def _pg_lexeme(word: str, *, prefix: bool) -> str:
    return "'" + word.replace("'", "''") + "'" + (":*" if prefix else "")


def _pg_alternative(text: str, *, prefix: bool, phrase: bool = True) -> str:
    parts = text.split()
    if len(parts) == 1:
        return _pg_lexeme(text, prefix=prefix)
    return "(" + (" <-> " if phrase else " & ").join(_pg_lexeme(part, prefix=False) for part in parts) + ")"


def _pg_term(term: Term, *, prefix: bool) -> str:
    # What was typed, a phrase included, is matched as typed. An equivalent phrase from the synonym file
    # is matched as all of its words: a phrase (<->) makes PostgreSQL read every candidate's TOASTed
    # vector again to check the words' positions, where all the words are answered by the text index
    # alone ("bansos", whose equivalents are four phrases, found in 7,088 of 100,000 apps: 80 -> 24 ms).
    alternatives = [_pg_alternative(term.text, prefix=prefix)]
    alternatives += [_pg_alternative(text, prefix=False, phrase=False) for text in term.all[1:]]
    return "(" + " | ".join(alternatives) + ")"


def _pg_term_query(term: Term, *, prefix: bool) -> SearchQuery:
    found = SearchQuery(_pg_term(term, prefix=prefix), config=SEARCH_CONFIG, search_type="raw")
    if " " not in term.text:
        # The word as typed, unstemmed (PREFIX_CONFIG), as a prefix too when asked: a word still being
        # typed is often an affix and a part of a stem ("pengad" for pengaduan, whose stem is "adu").
        found |= SearchQuery(_pg_lexeme(term.text, prefix=prefix), config=PREFIX_CONFIG, search_type="raw")
    return found


def pg_search_query(query: Query, *, match_all: bool = True, prefix: bool = False) -> SearchQuery:
    """The tsquery: each term (the typed word stemmed and not, a prefix if `prefix`; its equivalents
    stemmed), all (`match_all`) or any of them, none of the excluded."""
    first, *others = [_pg_term_query(term, prefix=prefix) for term in query.included]
    combined = first
    for found in others:
        combined = (combined & found) if match_all else (combined | found)
    for term in query.excluded:
        combined &= ~_pg_term_query(term, prefix=prefix)
    return combined


def _contains(field: str, term: Term, *, lookup: str = "contains") -> Q:
    q = Q(**{f"{field}__{lookup}": term.text})
    for text in term.all[1:]:
        every = Q()  # an equivalent phrase: all of its words, as PostgreSQL matches it (_pg_term)
        for word in text.split():
            every &= Q(**{f"{field}__{lookup}": word})
        q |= every
    return q


def _sqlite_rank(term: Term):
    return Case(
        When(_contains("name", term, lookup="icontains"), then=Value(3.0)),
        When(
            _contains("short_description", term, lookup="icontains")
            | _contains("short_description_en", term, lookup="icontains"),
            then=Value(2.0),
        ),
        When(_contains("search_document", term), then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )


@dataclass(frozen=True)
class Found:
    """What a search found: its apps (annotated with `rank`, at most SEARCH_WINDOW + 1 of them, the most
    adopted) and, read with their ids, each one's rank by id, so that counting and ordering them needs
    no query of its own (catalog.columns)."""

    queryset: QuerySet[App]
    ranks: dict[int, float]


def _apply(
    queryset: QuerySet[App], query: Query, *, match_all: bool, prefix: bool = True, total: float = 0.0
) -> Found:
    """The apps of `queryset` that `query` finds, with their ranks, at most SEARCH_WINDOW + 1 (the most
    adopted; see `_window`)."""
    if connection.vendor == "postgresql":
        tsquery = pg_search_query(query, match_all=match_all, prefix=prefix)
        condition = Q(search_vector=tsquery)
        rank = Coalesce(SearchRank(F("search_vector"), tsquery), Value(0.0), output_field=FloatField())
    else:
        included = [_contains("search_document", term) for term in query.included]
        condition = Q()
        for q in included:
            condition = (condition & q) if match_all else (condition | q)
        for term in query.excluded:
            condition &= ~_contains("search_document", term)
        rank = Value(0.0, output_field=FloatField())
        for term in query.included:
            rank = rank + _sqlite_rank(term)
    ranks = _window(queryset, condition, rank, total)
    return Found(queryset.filter(pk__in=list(ranks)).annotate(rank=rank), ranks)


def _window(queryset: QuerySet[App], condition: Q, rank, total: float) -> dict[int, float]:
    """The apps of `queryset` matching `condition`, at most SEARCH_WINDOW + 1 of them, the most adopted,
    read once as ids with their `rank`: every later step (the count, the page, the facets) uses those
    instead of searching again, and the paginator shows SEARCH_WINDOW of them and says that there are
    more. (Ranking every match of a word that most apps contain read all their rows: 0.3 s at 100,000
    apps; the rank is computed for the window's rows only, after the sort and the limit.)"""
    found = queryset.filter(condition)
    adoptions = F("adoption_count")
    if connection.vendor == "postgresql" and _estimated_rows(found) <= DENSE_SHARE * total:
        # `+ 0` keeps PostgreSQL off the most-adopted index: walking it and testing each app's text is
        # fast when most apps match, but for a word in 5% of them it read 25,000 rows (180 ms) where
        # reading the 5,000 matches from the text index and sorting them takes 20.
        adoptions = adoptions + Value(0)
    window = found.order_by(adoptions.desc(), "name", "id").values("pk")[: SEARCH_WINDOW + 1]
    # Ranked outside the window's subquery: in the same SELECT, PostgreSQL computed ts_rank for every
    # match before sorting them (a word in 16,000 apps: 120 ms, reading their TOASTed vectors).
    ranked = App.objects.filter(pk__in=window).annotate(rank=rank).order_by()  # any order: a dict
    return dict(ranked.values_list("pk", "rank"))


def _searched_rows(queryset: QuerySet[App]) -> float:
    """How many apps a search looks through, once for every step (see DENSE_SHARE): the whole catalog's
    number from its columns in memory (no query), or PostgreSQL's estimate for a narrower queryset."""
    if not queryset.query.where:
        return float(columns.snapshot().size)
    return _estimated_rows(queryset)


def _estimated_rows(queryset: QuerySet) -> float:
    """PostgreSQL's estimate of the rows `queryset` finds (its plan, not a count: under a millisecond)."""
    return json.loads(queryset.explain(format="json"))[0]["Plan"]["Plan Rows"]


# Above this share of the apps found, walking them most adopted first finds SEARCH_WINDOW matches sooner
# than reading every match. Measured at 100,000 apps: a row read while walking costs about 1.75 rows read
# from the text index, so the break-even lies near 13%; PostgreSQL's estimate for a word and its synonyms
# adds their shares up (two to three times the true count), hence the margin.
DENSE_SHARE = 0.3


def find_apps(queryset: QuerySet[App], value: str) -> Found | None:
    """The apps of `queryset` that `value` finds, with their ranks (higher is better); at most
    SEARCH_WINDOW + 1 of them, the most adopted, when more match. None: `value` has no word to search."""
    query = parse(value)
    if not query:
        return None
    total = _searched_rows(queryset) if connection.vendor == "postgresql" else 0.0
    apply = functools.partial(_apply, queryset, total=total)
    found = apply(query, match_all=True, prefix=False)
    if found.ranks:
        return found
    if connection.vendor == "postgresql":  # SQLite matched substrings, so prefixes, already
        found = apply(query, match_all=True, prefix=True)
        if found.ranks:
            return found
    corrected = typos.correct(query)
    if corrected is not query:
        found = apply(corrected, match_all=True)
        if len(corrected.included) == 1 or found.ranks:
            return found
    if len(corrected.included) > 1:
        return apply(corrected, match_all=False)
    return found


def filter_apps(queryset: QuerySet[App], value: str) -> QuerySet[App]:
    """The apps of `queryset` that `value` finds, annotated with `rank` (see `find_apps`)."""
    found = find_apps(queryset, value)
    return queryset if found is None else found.queryset


def matches(query: Query, *fields: str) -> Q:
    """A condition for any model: every term of `query` (one of its equivalents) in one of `fields`
    (case-insensitive), no excluded term in any. Used for the templates and regions of the search page,
    small tables where a substring is enough."""
    condition = Q()
    for term in query.included:
        either = Q()
        for field in fields:
            either |= _contains(field, term, lookup="icontains")
        condition &= either
    for term in query.excluded:
        for field in fields:
            condition &= ~_contains(field, term, lookup="icontains")
    return condition
