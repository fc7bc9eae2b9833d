"""Writes of the catalog, one module a subject; `from catalog import services` gives them all.

apps        apps, their figures and contacts, the cache version
search      the search index (the text an app is found by, its tsvector)
adoptions   who uses which app
publiccode  the import of a publiccode.yml document
"""

from ..cache import catalog_changed
from .adoptions import (
    adoption_confirm,
    adoption_note_event,
    adoption_record,
    adoption_record_unverified,
    adoption_save_on_behalf,
    recount_adoptions,
)
from .apps import (
    APP_DESCRIPTION_FIELDS,
    APP_FIELDS,
    ContactInput,
    FigureInput,
    agency_of,
    app_create,
    app_delete,
    app_set_has_template,
    app_update,
    app_validate_mous,
    apps_changed,
    unique_slug,
)
from .publiccode import app_import_publiccode
from .search import SEARCH_CONFIG, app_refresh_search, app_refresh_search_vectors, search_document

__all__ = [
    "APP_DESCRIPTION_FIELDS",
    "APP_FIELDS",
    "SEARCH_CONFIG",
    "ContactInput",
    "FigureInput",
    "adoption_confirm",
    "adoption_note_event",
    "adoption_record",
    "adoption_record_unverified",
    "adoption_save_on_behalf",
    "agency_of",
    "app_create",
    "app_delete",
    "app_import_publiccode",
    "app_refresh_search",
    "app_refresh_search_vectors",
    "app_set_has_template",
    "app_update",
    "app_validate_mous",
    "apps_changed",
    "catalog_changed",
    "recount_adoptions",
    "search_document",
    "unique_slug",
]
