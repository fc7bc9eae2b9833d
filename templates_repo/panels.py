"""The template library's panel on the catalog's app page (see registry.panels): "spin up a copy"."""

from catalog.models import App
from registry.panels import register_panel

from . import selectors


def app_templates(request, app: App) -> dict | None:
    """The ready templates of the app, or nothing when no template reproduces it."""
    templates = selectors.app_templates(app)
    return {"templates": templates} if templates else None


def register() -> None:
    register_panel(
        "catalog:app-detail", template="templates_repo/panels/app_templates.html", context=app_templates
    )
