"""The long-tail scenarios of bench/catalog.py: thousands of different URLs per scenario, as real users
send them, so that the production cache (on) answers few of them and the figures measure the catalog.

- search: one or two words drawn from the generated apps' names and short descriptions (and region
  names), a word being typed (its first 3-6 letters) or a word with one typo;
- filters: one to three filters drawn from every facet, on one of the first three pages that exist;
- the whole list: any order, page size and page within the 10,000-result window (three in four pages
  among the first 25);
- details: any of the generated apps.

Every URL is drawn once (a set); the warm-up uses URLs of its own, never measured ones.
"""

import random
import re
from collections import Counter
from urllib.parse import urlencode

WORD = re.compile(r"[a-z]{3,}")


def vocabulary() -> list[str]:
    """The words of the generated apps' names and short descriptions, and of region names (3+ letters)."""
    from catalog.models import App
    from registry.models import Region

    texts = list(
        App.objects.filter(slug__startswith="bench-").values_list("name", "short_description")[:20000]
    )
    words = {word for pair in texts for text in pair for word in WORD.findall(text.lower())}
    words |= {
        word for name in Region.objects.values_list("name", flat=True) for word in WORD.findall(name.lower())
    }
    return sorted(words)


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word))
    return word[:i] + rng.choice("aeioukrnst") + word[i + 1 :]


def search_text(rng: random.Random, words: list[str]) -> str:
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(words)
    if roll < 0.75:
        return f"{rng.choice(words)} {rng.choice(words)}"
    word = rng.choice([w for w in words if len(w) >= 5] or words)
    if roll < 0.9:
        return word[: rng.randint(3, min(6, len(word) - 1))]
    return _typo(rng, word)


def filters(rng: random.Random) -> dict[str, str]:
    from catalog.choices import AppCategory, DevelopmentStatus, SmartCityDimension, SpbeType
    from registry.models import Region

    provinces = list(Region.objects.filter(kind="province").values_list("code", flat=True))
    choices = {
        "category": AppCategory.values,
        "province": provinces,
        "status": DevelopmentStatus.values,
        "dimension": SmartCityDimension.values,
        "spbe_type": SpbeType.values,
        "has_template": ["true", "false"],
        "license": ["MIT", "GPL-3.0-or-later", "Apache-2.0", "AGPL-3.0-or-later"],
    }
    chosen = rng.sample(list(choices), rng.randint(1, 3))
    return {key: rng.choice(choices[key]) for key in sorted(chosen)}


def page(rng: random.Random, last: int) -> int:
    return rng.randint(1, min(25, last)) if rng.random() < 0.75 else rng.randint(1, last)


class Counts:
    """How many generated apps a combination of filters finds (so that a URL names a page that exists)."""

    COLUMNS = {
        "category": "category",
        "province": "owner_province_id",
        "status": "status",
        "dimension": "dimension",
        "spbe_type": "spbe_type",
        "has_template": "has_template",
        "license": "license",
    }

    def __init__(self):
        from catalog.models import App

        self.rows = [
            tuple(str(value).lower() if isinstance(value, bool) else value for value in row)
            for row in App.objects.values_list(*self.COLUMNS.values())
        ]
        self.counters: dict[tuple, Counter] = {}

    def __call__(self, params: dict[str, str]) -> int:
        keys = tuple(sorted(params))
        if keys not in self.counters:
            index = [list(self.COLUMNS).index(key) for key in keys]
            self.counters[keys] = Counter(tuple(row[i] for i in index) for row in self.rows)
        return self.counters[keys][tuple(params[key] for key in keys)]


def _distinct(make, count: int) -> list[str]:
    urls: set[str] = set()
    for _ in range(count * 20):
        urls.add(make())
        if len(urls) == count:
            break
    out = sorted(urls)
    random.Random(len(out)).shuffle(out)
    return out


def scenarios(rng: random.Random, total: int, count: int) -> dict[str, list[str]]:
    """`count` distinct URLs per scenario (fewer only where fewer exist)."""
    words, counts = vocabulary(), Counts()
    window = min(total, 10_000)

    def url(path: str, params: dict) -> str:
        return f"{path}?{urlencode(params)}" if params else path

    def whole_list():
        size = rng.choice([10, 20, 25, 50, 100])
        params = {"page_size": str(size), "page": str(page(rng, window // size))}
        ordering = rng.choice(["", "newest", "adopted"])
        return url("/api/v1/apps/", {**params, "ordering": ordering} if ordering else params)

    def filtered():
        params = filters(rng)
        pages = -(-counts(params) // 50)
        if pages > 1 and rng.random() < 0.5:
            params["page"] = str(rng.randint(1, min(3, pages)))
        return url("/api/v1/apps/", params)

    def facets():
        params = filters(rng) if rng.random() < 0.8 else {}
        if rng.random() < 0.3:
            params["search"] = search_text(rng, words)
        return url("/api/v1/apps/facets/", params)

    def browse():
        params = filters(rng) if rng.random() < 0.7 else {}
        pages = -(-counts(params) // 20)
        if rng.random() < 0.4:
            params["search"] = search_text(rng, words)
        elif pages > 1 and rng.random() < 0.3:
            params["page"] = str(rng.randint(1, min(5, pages)))
        return url("/aplikasi/", params)

    return {
        "bare JsonResponse": ["/__bench__/bare/"],
        "list, whole": _distinct(whole_list, count),
        "list, filtered": _distinct(filtered, count),
        "search (full-text)": _distinct(
            lambda: url("/api/v1/apps/", {"search": search_text(rng, words)}), count
        ),
        "facets": _distinct(facets, count),
        "detail": _distinct(lambda: f"/api/v1/apps/bench-{rng.randrange(total)}/", count),
        "browse page": _distinct(browse, count),
    }


TARGETS = [
    # (text, scenario, measure, target, op): issue 14, at 100,000 apps, against bare in the same run.
    ("list throughput >= 0.20 of bare", "list, whole", "ratio", 0.20, ">="),
    ("filtered list throughput >= 0.20 of bare", "list, filtered", "ratio", 0.20, ">="),
    ("detail throughput >= 0.30 of bare", "detail", "ratio", 0.30, ">="),
    ("search p95 <= 20 ms", "search (full-text)", "p95", 20, "<="),
    ("facets p95 <= 30 ms", "facets", "p95", 30, "<="),
    ("browse page p95 <= 50 ms", "browse page", "p95", 50, "<="),
]
