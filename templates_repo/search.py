"""What this app adds to the catalog's search: an app is found by the names and descriptions of the
templates that reproduce it (catalog/search/providers.py). Registered in TemplatesRepoConfig.ready();
`template_sync` refreshes the search documents of the apps whose templates it registered."""

from collections.abc import Sequence

from catalog.search import register_search_text

from .models import Template


def template_texts(app_ids: Sequence[int]) -> dict[int, list[str]]:
    """{app id: [name, description, ...] of each template reproducing it}, in one query."""
    found: dict[int, list[str]] = {}
    rows = Template.objects.filter(app_id__in=app_ids).order_by("app_id", "slug")
    for app_id, name, description in rows.values_list("app_id", "name", "description"):
        found.setdefault(app_id, []).extend((name, description))
    return found


def register() -> None:
    register_search_text("templates_repo.templates", template_texts)
