"""The search's own words: the synonym and abbreviation groups (synonyms.txt) and the words a search drops
(stopwords.txt), read once per process, and the parsing of what a person typed into terms.

Synonyms are applied to the query, not to the stored text, so that editing the file takes effect without
recomputing 100,000 search documents, and so that PostgreSQL and SQLite apply the very same list.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SYNONYMS_FILE = HERE / "synonyms.txt"
STOPWORDS_FILE = HERE / "stopwords.txt"

MAX_TERMS = 8
MAX_QUERY_LENGTH = 200
LONGEST_PHRASE = 6

# A word: letters and digits, joined by inner dots, hyphens or apostrophes ("33.74", "e-planning").
WORD = re.compile(r"\w+(?:[.\-']\w+)*")
TOKEN = re.compile(r'(-?)"([^"]*)"|(-?)(\w+(?:[.\-\']\w+)*)')


def normalize(text: str) -> str:
    """Lower case, compatibility characters folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def words(text: str) -> list[str]:
    return WORD.findall(normalize(text))


def _lines(path: Path) -> list[str]:
    result = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            result.append(line)
    return result


@functools.cache
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """Each group of equivalent terms (phrases as their words joined by one space)."""
    groups = []
    for line in _lines(SYNONYMS_FILE):
        terms = [" ".join(words(term)) for term in re.split(r"[,=]", line)]
        groups.append(tuple(dict.fromkeys(term for term in terms if term)))
    return tuple(group for group in groups if len(group) > 1)


@functools.cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """Each term and every term equivalent to it (itself first); a term in several groups gets all."""
    found: dict[str, dict[str, None]] = {}
    for group in synonym_groups():
        for term in group:
            found.setdefault(term, {term: None}).update(dict.fromkeys(group))
    return {term: tuple(alternatives) for term, alternatives in found.items()}


@functools.cache
def stopwords() -> frozenset[str]:
    return frozenset(word for line in _lines(STOPWORDS_FILE) for word in words(line))


@dataclass(frozen=True)
class Term:
    """One thing the search must find: what was typed (`text`, a word or a phrase; a word is matched as a
    prefix, the person may still be typing) or any of its `alternatives` (equivalents from the synonym
    file, corrections of a typo; matched as whole words)."""

    text: str
    alternatives: tuple[str, ...] = ()
    exclude: bool = False

    @property
    def all(self) -> tuple[str, ...]:
        return (self.text, *(a for a in self.alternatives if a != self.text))


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return any(not term.exclude for term in self.terms)

    @property
    def included(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if not term.exclude)

    @property
    def excluded(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if term.exclude)

    def as_typed(self) -> "Query":
        """The same terms without their equivalents (to rank what matches the words typed first)."""
        return Query(tuple(Term(term.text, exclude=term.exclude) for term in self.terms))


def _grouped(tokens: list[str]) -> list[str]:
    """The tokens with the longest phrases of the synonym file joined into one term each."""
    table, result, i = synonyms(), [], 0
    while i < len(tokens):
        for size in range(min(LONGEST_PHRASE, len(tokens) - i), 1, -1):
            phrase = " ".join(tokens[i : i + size])
            if phrase in table:
                result.append(phrase)
                i += size
                break
        else:
            result.append(tokens[i])
            i += 1
    return result


def parse(value: str) -> Query:
    """What a person typed as terms with their synonyms: `"a phrase"` stays one term, `-word` excludes,
    words of the stop list are dropped when other words remain, at most MAX_TERMS terms."""
    value = normalize(value)[:MAX_QUERY_LENGTH]
    included, excluded = [], []
    plain: list[str] = []

    def flush():
        included.extend(_grouped(plain))
        plain.clear()

    for match in TOKEN.finditer(value):
        minus_phrase, phrase, minus_word, word = match.groups()
        if phrase is not None:
            text = " ".join(words(phrase))
            if not text:
                continue
            if minus_phrase:
                excluded.append(text)
            else:
                flush()
                included.append(text)
        elif minus_word:
            excluded.append(word)
        else:
            plain.append(word)
    flush()
    stop = stopwords()
    meaningful = [term for term in included if term not in stop]
    included = meaningful or included
    table = synonyms()
    terms = [Term(text, table.get(text, ())) for text in dict.fromkeys(included)][:MAX_TERMS]
    terms += [Term(text, exclude=True) for text in dict.fromkeys(excluded)][: MAX_TERMS - len(terms)]
    return Query(tuple(terms))


def vocabulary_words() -> frozenset[str]:
    """Every single word of the synonym file (the words a typo may be corrected to)."""
    return frozenset(word for term in synonyms() for word in term.split() if len(word) > 2)
