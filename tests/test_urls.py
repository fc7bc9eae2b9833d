"""One view per URL: no URL pattern is shadowed by another that resolves the same path first.

Every pattern of the root resolver (through every include) gets a sample path made from its own
regular expressions; the real resolver must answer that path with the same pattern. When a path is
registered twice (an app extending a lower app's page by registering the page again), the second
registration is dead: its sample path resolves to the first, and the test names both.
"""

import string
from functools import reduce
from re import _constants as sre  # the standard library's own regex parser
from re import _parser as sre_parse

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# A character for a class such as [^/.] or [-a-zA-Z0-9_]: the first of these that it accepts.
CANDIDATES = "s1a-_x.Z"
CATEGORIES = {
    sre.CATEGORY_DIGIT: str.isdigit,
    sre.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
    sre.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    sre.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
    sre.CATEGORY_SPACE: str.isspace,
    sre.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
}


def _accepts(items, char: str) -> bool:
    negate, found = False, False
    for op, arg in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            found |= char == chr(arg)
        elif op is sre.RANGE:
            found |= arg[0] <= ord(char) <= arg[1]
        elif op is sre.CATEGORY:
            found |= CATEGORIES[arg](char)
    return found != negate


def _sample(parsed) -> str:
    """A short string the parsed expression matches: fewest repetitions, first alternative."""
    out = []
    for op, arg in parsed:
        if op is sre.LITERAL:
            out.append(chr(arg))
        elif op is sre.NOT_LITERAL:
            out.append(next(c for c in CANDIDATES if ord(c) != arg))
        elif op is sre.ANY:
            out.append(CANDIDATES[0])
        elif op is sre.IN:
            out.append(next(c for c in CANDIDATES + string.printable if _accepts(arg, c)))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _high, item = arg
            out.append(_sample(item) * max(low, 1) if low else "")
        elif op is sre.SUBPATTERN:
            out.append(_sample(arg[-1]))
        elif op is sre.BRANCH:
            out.append(_sample(arg[1][0]))
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue
        else:  # pragma: no cover - a construct no URL of this site uses yet
            raise AssertionError(f"No sample for {op} in a URL pattern; teach tests/test_urls.py.")
    return "".join(out)


def _walk(resolver: URLResolver, chain=(), namespace=""):
    """(chain of patterns from the root, name) for every endpoint, in the resolver's order."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, (*chain, entry.pattern), inner)
        else:
            yield (*chain, entry.pattern), entry, f"{namespace}{entry.name or entry.lookup_str}"


def _sample_path(chain) -> str:
    return "/" + "".join(_sample(sre_parse.parse(pattern.regex.pattern)) for pattern in chain)


def _route(chain) -> str:
    """The route Django's resolver reports for a path answered through this chain of patterns."""
    return reduce(URLResolver._join_route, (str(pattern) for pattern in chain))


def _describe(name: str, endpoint: URLPattern) -> str:
    return f"{name} ({endpoint.lookup_str})"


def test_sample_paths_match_their_own_patterns():
    endpoints = list(_walk(get_resolver()))
    assert len(endpoints) > 50
    samples = {name: _sample_path(chain) for chain, _endpoint, name in endpoints}
    assert samples["registry:region-detail"] == "/wilayah/11/"
    assert samples["catalog:app-detail"] == "/aplikasi/s/"
    assert samples["registry:mou-detail"] == "/mou/1/"


def test_no_two_url_patterns_resolve_the_same_path():
    resolver = get_resolver()
    shadowed = []
    for chain, endpoint, name in _walk(resolver):
        if endpoint.lookup_str.endswith(".catch_all_view"):
            continue  # the admin's last pattern answers what no other admin pattern does, by design
        path = _sample_path(chain)
        match = resolver.resolve(path)
        if match.func is endpoint.callback and match.route == _route(chain):
            continue
        other, other_name = next(
            (other, other_name)
            for other_chain, other, other_name in _walk(resolver)
            if other.callback is match.func and _route(other_chain) == match.route
        )
        shadowed.append(
            f"{path}: {_describe(name, endpoint)} is never reached, "
            f"{_describe(other_name, other)} resolves the same path first"
        )
    assert not shadowed, "URL patterns registered for the same path:\n" + "\n".join(shadowed)


@pytest.mark.parametrize(
    ("path", "view"),
    [
        ("/aplikasi/e-santunan-kematian-batang/", "catalog.views.AppDetailView"),
        ("/mou/1/", "registry.views.MoUDetailView"),
        ("/wilayah/33.74/", "registry.views.RegionDetailView"),
        ("/wilayah/33/", "registry.views.RegionDetailView"),
    ],
)
def test_each_page_is_answered_by_the_app_that_owns_its_object(path, view):
    view_class = get_resolver().resolve(path).func.view_class
    assert f"{view_class.__module__}.{view_class.__qualname__}" == view
