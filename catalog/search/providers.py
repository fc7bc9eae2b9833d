"""Text that higher apps add to an app's search document (the names and descriptions of the templates that
reproduce it, from templates_repo), without the catalog importing them.

A higher app registers a provider in its `AppConfig.ready()`; `app_refresh_search` asks every provider for a
batch of apps at once (one query per provider per batch, never one per app), and the higher app calls
`catalog.services.app_refresh_search(app_ids=...)` after a write that changes what its provider returns.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence

SearchTextProvider = Callable[[Sequence[int]], Mapping[int, Iterable[str]]]

_providers: dict[str, SearchTextProvider] = {}


def register_search_text(name: str, provider: SearchTextProvider) -> None:
    """Add (or replace, by `name`) a provider: app ids -> {app id: texts to be found by}."""
    _providers[name] = provider


def extra_search_text(app_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if not app_ids:
        return found
    for provider in _providers.values():
        for app_id, texts in provider(app_ids).items():
            found.setdefault(app_id, []).extend(text for text in texts if text)
    return found
