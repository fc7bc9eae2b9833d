"""publiccode.yml (core schema, publiccodeYmlVersion "0.4") of catalog apps.

vocabulary  the standard's constants, its category tags and how ours map onto them
schema      reading a document (bounded YAML) and checking it: DRF serializers of the standard's keys
export      the document of an app (the mapping of every key is described there)

The import, a write, is catalog.services.app_import_publiccode.
"""

from .export import app_publiccode, app_publiccode_errors, app_publiccode_yaml, publiccode_dump
from .schema import publiccode_parse
from .vocabulary import (
    CATEGORIES,
    CATEGORY_MAP,
    EXTENSION_KEY,
    PLATFORMS,
    PUBLICCODE_CONTENT_TYPE,
    PUBLICCODE_MAX_BYTES,
    PUBLICCODE_VERSION,
    category_from_tags,
)

__all__ = [
    "CATEGORIES",
    "CATEGORY_MAP",
    "EXTENSION_KEY",
    "PLATFORMS",
    "PUBLICCODE_CONTENT_TYPE",
    "PUBLICCODE_MAX_BYTES",
    "PUBLICCODE_VERSION",
    "app_publiccode",
    "app_publiccode_errors",
    "app_publiccode_yaml",
    "category_from_tags",
    "publiccode_dump",
    "publiccode_parse",
]
