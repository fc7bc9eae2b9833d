"""Writes of the catalog, one module a subject; `from catalog import services` gives them all.

apps        apps, their figures and contacts, the search index and the cache version
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
    SEARCH_CONFIG,
    ContactInput,
    FigureInput,
    agency_of,
    app_create,
    app_delete,
    app_refresh_search,
    app_refresh_search_vectors,
    app_set_has_template,
    app_update,
    app_validate_mous,
    apps_changed,
    search_document,
    unique_slug,
)
from .publiccode import app_import_publiccode

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
