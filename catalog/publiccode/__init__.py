"""publiccode.yml (core schema, publiccodeYmlVersion "0.4") of catalog apps.

vocabulary  the standard's constants, its category tags and how ours map onto them
reading     reading an upload (UTF-8, size, bounded YAML: catalog.yaml_loader) into a mapping
checks      checks of one value (URL, e-mail, slug, language, length...) as Django validators
schema      publiccode_parse: DRF serializers mirroring the document check it, errors by key path
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
