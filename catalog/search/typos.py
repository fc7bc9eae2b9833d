"""Typo tolerance and suggestions: the words a search knows, and the closest of them to a word it does not.

The known words are those of the synonym file, of the category, dimension and SPBE labels (in both
languages), of region names and of app names. App names are the one list that grows with the catalog:
their distinct words are read once per catalog version (cached) and the closest words are picked with
difflib, alike on both databases. (PostgreSQL used to ask a trigram index on app names for each typo:
its word similarity rechecked thousands of names, 150 ms at 100,000 apps; the distinct words of 100,000
generated names are a few thousand, which difflib searches in a few milliseconds.)
"""

import difflib
import functools
import time

from django.utils import translation

from registry.models import Region

from ..cache import cached, catalog_version
from ..choices import AppCategory, SmartCityDimension, SpbeType
from ..models import App
from .vocabulary import Query, Term, stopwords, synonyms, vocabulary_words, words

CORRECTION_CUTOFF = 0.8  # "sampah" (waste) is 0.77 from "sampang" (a regency): not a typo of it
SUGGESTION_CUTOFF = 0.6


@functools.cache
def label_words() -> frozenset[str]:
    """The words of the category, dimension and SPBE labels, in English and in Indonesian."""
    found = set()
    for language in ("en", "id"):
        with translation.override(language):
            for choices in (AppCategory, SmartCityDimension, SpbeType):
                for _value, label in choices.choices:
                    found.update(words(str(label)))
    return frozenset(found)


def _name_words(names) -> set[str]:
    return {word for name in names for word in words(name) if len(word) > 2 and not word.isdigit()}


# This process's copy of the words (catalog version, when read, words): reading 100,000 names takes 0.15 s,
# and unpickling them from the shared cache on every misspelt search costs too. The copy is used while
# the catalog version is the same and for at most WORDS_SECONDS (without a shared cache the version
# never changes: new names then reach the copy within that time).
WORDS_SECONDS = 60.0
_words: tuple[int, float, frozenset[str]] | None = None


def _catalog_words() -> frozenset[str]:
    """The words of region names and of app names, read once per catalog version."""
    global _words
    version, now = catalog_version(), time.monotonic()
    if _words is not None and _words[0] == version and now - _words[1] < WORDS_SECONDS:
        return _words[2]

    def compute():
        found = _name_words(Region.objects.values_list("name", flat=True))
        found |= _name_words(App.objects.order_by().values_list("name", flat=True).distinct())
        return frozenset(found)

    found = cached(("search-words",), compute, answer=False)
    _words = (version, now, found)
    return found


def known_words() -> frozenset[str]:
    return vocabulary_words() | label_words() | _catalog_words()


def closest(word: str, *, cutoff: float, limit: int = 3, ties_only: bool = False) -> list[str]:
    """The known words closest to `word` (only itself when it is known); `ties_only`: only those as close
    as the closest ("pengadoan": pengaduan and pengadaan; "pengaduxn": pengaduan alone)."""
    candidates = known_words()
    if word in candidates:
        return [word]
    found = difflib.get_close_matches(word, candidates - stopwords(), n=limit, cutoff=cutoff)
    if ties_only and found:
        best = difflib.SequenceMatcher(None, word, found[0]).ratio()
        found = [near for near in found if difflib.SequenceMatcher(None, word, near).ratio() >= best - 0.01]
    return found


def correct(query: Query) -> Query:
    """The query with each unknown word of it also matching the known words closest to it."""
    terms, changed = [], False
    for term in query.terms:
        if term.exclude or " " in term.text or len(term.text) < 4 or term.text.isdigit():
            terms.append(term)
            continue
        near = [
            word for word in closest(term.text, cutoff=CORRECTION_CUTOFF, ties_only=True) if word != term.text
        ]
        if not near:
            terms.append(term)
            continue
        table = synonyms()
        alternatives = [*term.alternatives, *near]
        for word in near:
            alternatives += table.get(word, ())
        terms.append(Term(term.text, tuple(dict.fromkeys(alternatives))))
        changed = True
    return Query(tuple(terms)) if changed else query


def suggestions(query: Query, limit: int = 5) -> list[str]:
    """Other searches to try when this one found nothing: each word replaced by a known word near it."""
    found: list[str] = []
    texts = [term.text for term in query.included]
    for i, text in enumerate(texts):
        if " " in text:
            continue
        for word in closest(text, cutoff=SUGGESTION_CUTOFF, limit=limit):
            if word != text:
                found.append(" ".join([*texts[:i], word, *texts[i + 1 :]]))
    if len(texts) > 1:
        found += texts
    return list(dict.fromkeys(found))[:limit]
