"""Reading and checking a publiccode.yml document: the core standard 0.4 and Lumbung's `x-lumbung`."""

import datetime
import re
from collections.abc import Sequence

import yaml
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import EmailValidator, URLValidator, validate_slug
from django.utils.translation import gettext as _

from registry.models import region_code_validator

from ..choices import (
    AppCategory,
    DevelopmentStatus,
    MaintenanceType,
    SmartCityDimension,
    SoftwareType,
    SpbeType,
)
from ..validators import normalize_license
from ..yaml_loader import YAMLLimitError, bounded_load
from .vocabulary import (
    CATEGORIES,
    EXTENSION_KEY,
    LONG_DESCRIPTION_MAX,
    LONG_DESCRIPTION_MIN,
    MAINTENANCE_NEEDS_CONTACTS,
    PLATFORMS,
    PUBLICCODE_MAX_BYTES,
    PUBLICCODE_VERSION,
    SHORT_DESCRIPTION_MAX,
)

_VERSION = re.compile(r"^0\.[2-4](\.\d+)?$")
_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_url_validator = URLValidator()
_email_validator = EmailValidator()


class PathErrors:
    def __init__(self) -> None:
        self.by_path: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.by_path.setdefault(path, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.by_path:
            raise ValidationError(self.by_path)


def document_error(message: str) -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: [message]})


def _mapping(parent: dict, key: str, path: str, errors: PathErrors, *, required: bool) -> dict | None:
    if key not in parent:
        if required:
            errors.add(path, _("This key is required."))
        return None
    value = parent[key]
    if not isinstance(value, dict):
        errors.add(path, _("This must be a mapping of keys to values."))
        return None
    return value


def _text(parent: dict, key: str, path: str, errors: PathErrors, *, required: bool) -> str | None:
    if key not in parent:
        if required:
            errors.add(path, _("This key is required."))
        return None
    value = parent[key]
    if not isinstance(value, str):
        errors.add(path, _("This must be text (put it in quotes if needed)."))
        return None
    if required and not value.strip():
        errors.add(path, _("This cannot be empty."))
        return None
    return value


def _text_list(parent: dict, key: str, path: str, errors: PathErrors, *, required: bool, non_empty: bool):
    if key not in parent:
        if required:
            errors.add(path, _("This key is required."))
        return None
    value = parent[key]
    if not isinstance(value, list):
        errors.add(path, _("This must be a list."))
        return None
    if non_empty and not value:
        errors.add(path, _("This list needs at least one item."))
        return None
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            errors.add(f"{path}[{index}]", _("Each item must be non-empty text."))
            return None
    return value


def _choice(parent: dict, key: str, path: str, errors: PathErrors, choices: Sequence[str], *, required: bool):
    value = _text(parent, key, path, errors, required=required)
    if value is not None and value not in choices:
        errors.add(
            path,
            _("%(value)s is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(choices)},
        )
        return None
    return value


def _check_url(value: str, path: str, errors: PathErrors) -> None:
    try:
        _url_validator(value)
    except ValidationError:
        errors.add(path, _("%(value)s is not a valid http(s) URL.") % {"value": value})


def _check_contacts(parent: dict, key: str, path: str, errors: PathErrors, *, required: bool) -> None:
    if key not in parent:
        if required:
            errors.add(path, _("At least one contact is required for this type of maintenance."))
        return
    contacts = parent[key]
    if not isinstance(contacts, list):
        errors.add(path, _("This must be a list."))
        return
    if required and not contacts:
        errors.add(path, _("At least one contact is required for this type of maintenance."))
    for index, contact in enumerate(contacts):
        item_path = f"{path}[{index}]"
        if not isinstance(contact, dict):
            message = _("A contact is a mapping with a name and, optionally, email, phone and affiliation.")
            errors.add(item_path, message)
            continue
        _text(contact, "name", f"{item_path}.name", errors, required=True)
        email = _text(contact, "email", f"{item_path}.email", errors, required=False)
        if email:
            try:
                _email_validator(email)
            except ValidationError:
                errors.add(
                    f"{item_path}.email", _("%(value)s is not a valid e-mail address.") % {"value": email}
                )
        _text(contact, "phone", f"{item_path}.phone", errors, required=False)
        _text(contact, "affiliation", f"{item_path}.affiliation", errors, required=False)


def _check_description(doc: dict, errors: PathErrors) -> None:
    description = _mapping(doc, "description", "description", errors, required=True)
    if description is None:
        return
    if not description:
        errors.add("description", _("A description in at least one language is required."))
    for language, texts in description.items():
        path = f"description.{language}"
        if not isinstance(language, str) or not _LANGUAGE.match(language):
            errors.add(
                path, _("%(value)s is not a language code (BCP 47, e.g. id or en).") % {"value": language}
            )
            continue
        if not isinstance(texts, dict):
            errors.add(path, _("This must be a mapping of keys to values."))
            continue
        short = _text(texts, "shortDescription", f"{path}.shortDescription", errors, required=True)
        if short is not None and len(short) > SHORT_DESCRIPTION_MAX:
            errors.add(
                f"{path}.shortDescription",
                _("At most %(max)d characters are allowed; this has %(count)d.")
                % {"max": SHORT_DESCRIPTION_MAX, "count": len(short)},
            )
        long = _text(texts, "longDescription", f"{path}.longDescription", errors, required=True)
        if long is not None and not LONG_DESCRIPTION_MIN <= len(long) <= LONG_DESCRIPTION_MAX:
            errors.add(
                f"{path}.longDescription",
                _("It must have between %(min)d and %(max)d characters; this has %(count)d.")
                % {"min": LONG_DESCRIPTION_MIN, "max": LONG_DESCRIPTION_MAX, "count": len(long)},
            )
        _text_list(texts, "features", f"{path}.features", errors, required=True, non_empty=False)


def _check_extension(doc: dict, errors: PathErrors) -> None:
    extension = _mapping(doc, EXTENSION_KEY, EXTENSION_KEY, errors, required=False)
    if extension is None:
        return
    path = EXTENSION_KEY
    _choice(extension, "category", f"{path}.category", errors, AppCategory.values, required=False)
    _choice(extension, "dimension", f"{path}.dimension", errors, SmartCityDimension.values, required=False)
    _choice(extension, "spbeType", f"{path}.spbeType", errors, SpbeType.values, required=False)
    region = _text(extension, "region", f"{path}.region", errors, required=False)
    if region is not None:
        try:
            region_code_validator(region)
        except ValidationError as exc:
            errors.add(f"{path}.region", exc.messages[0])
    for key in ("slug", "basedOn"):
        slug = _text(extension, key, f"{path}.{key}", errors, required=False)
        if slug is not None:
            try:
                validate_slug(slug)
            except ValidationError:
                errors.add(f"{path}.{key}", _("%(value)s is not a slug.") % {"value": slug})
    _text(extension, "agency", f"{path}.agency", errors, required=False)
    _text(extension, "basedOnNote", f"{path}.basedOnNote", errors, required=False)
    _check_contacts(extension, "mentors", f"{path}.mentors", errors, required=False)


def _load(text: str | bytes) -> dict:
    if isinstance(text, bytes):
        if len(text) > PUBLICCODE_MAX_BYTES:
            raise _too_large()
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise document_error(_("The file is not UTF-8 text.")) from exc
    if not isinstance(text, str):
        raise document_error(_("The document must be text."))
    if len(text) > PUBLICCODE_MAX_BYTES or len(text.encode("utf-8")) > PUBLICCODE_MAX_BYTES:
        raise _too_large()
    try:
        doc = bounded_load(text.removeprefix("\ufeff"))
    except YAMLLimitError as exc:
        mark = exc.problem_mark
        message = _("Line %(line)d, column %(column)d: %(problem)s") % {
            "line": mark.line + 1,
            "column": mark.column + 1,
            "problem": exc.message,
        }
        raise document_error(message) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if mark is not None:
            message = _("The file is not valid YAML (line %(line)d, column %(column)d): %(problem)s.") % {
                "line": mark.line + 1,
                "column": mark.column + 1,
                "problem": problem,
            }
        else:
            message = _("The file is not valid YAML: %(problem)s.") % {"problem": problem}
        raise document_error(message) from exc
    if not isinstance(doc, dict):
        raise document_error(_("A publiccode.yml document must be a mapping of keys to values."))
    return doc


def _too_large() -> ValidationError:
    return document_error(
        _("The document is larger than %(max)d KB.") % {"max": PUBLICCODE_MAX_BYTES // 1024}
    )


def publiccode_parse(text: str | bytes) -> dict:
    """The publiccode.yml document in `text`, checked against the core standard and `x-lumbung`.

    Raises ValidationError with a dict of messages keyed by key path ("description.id.shortDescription",
    "maintenance.contacts[0].email"); problems of the document as a whole (too large, not YAML, not a
    mapping) are under NON_FIELD_ERRORS ("__all__"). Bytes are read as UTF-8. Keys the standard allows
    but Lumbung does not use are accepted and ignored.
    """
    doc = _load(text)
    errors = PathErrors()

    version = doc.get("publiccodeYmlVersion")
    if isinstance(version, float):  # an unquoted 0.4 in hand-written YAML
        version = str(version)
    if version is None:
        errors.add("publiccodeYmlVersion", _("This key is required."))
    elif not isinstance(version, str) or not _VERSION.match(version):
        errors.add(
            "publiccodeYmlVersion",
            _('Version %(value)s is not supported; use "%(version)s".')
            % {"value": version, "version": PUBLICCODE_VERSION},
        )

    _text(doc, "name", "name", errors, required=True)
    url = _text(doc, "url", "url", errors, required=True)
    if url:
        _check_url(url, "url", errors)
    landing = _text(doc, "landingURL", "landingURL", errors, required=False)
    if landing:
        _check_url(landing, "landingURL", errors)

    if "isBasedOn" in doc:
        based_on = doc["isBasedOn"]
        if isinstance(based_on, str):
            _check_url(based_on, "isBasedOn", errors)
        elif isinstance(based_on, list) and based_on and all(isinstance(item, str) for item in based_on):
            for index, item in enumerate(based_on):
                _check_url(item, f"isBasedOn[{index}]", errors)
        else:
            errors.add("isBasedOn", _("This must be a URL or a non-empty list of URLs."))

    if "releaseDate" in doc:
        release = doc["releaseDate"]
        valid = type(release) is datetime.date
        if isinstance(release, str) and _DATE.match(release):
            try:
                datetime.date.fromisoformat(release)
                valid = True
            except ValueError:
                valid = False
        if not valid:
            errors.add("releaseDate", _("This must be a date written as YYYY-MM-DD."))

    platforms = _text_list(doc, "platforms", "platforms", errors, required=True, non_empty=True)
    for index, platform in enumerate(platforms or []):
        if platform not in PLATFORMS:
            errors.add(
                f"platforms[{index}]",
                _("%(value)s is not one of: %(choices)s.")
                % {"value": platform, "choices": ", ".join(PLATFORMS)},
            )
    categories = _text_list(doc, "categories", "categories", errors, required=True, non_empty=True)
    for index, category in enumerate(categories or []):
        if category not in CATEGORIES:
            errors.add(
                f"categories[{index}]",
                _("%(value)s is not a category of the publiccode.yml vocabulary.") % {"value": category},
            )
    _text_list(doc, "usedBy", "usedBy", errors, required=False, non_empty=False)
    _choice(doc, "developmentStatus", "developmentStatus", errors, DevelopmentStatus.values, required=True)
    _choice(doc, "softwareType", "softwareType", errors, SoftwareType.values, required=True)
    _check_description(doc, errors)

    legal = _mapping(doc, "legal", "legal", errors, required=True)
    if legal is not None:
        license_ = _text(legal, "license", "legal.license", errors, required=True)
        if license_ is not None:
            try:
                normalize_license(license_)
            except ValidationError as exc:
                for message in exc.messages:
                    errors.add("legal.license", message)

    maintenance = _mapping(doc, "maintenance", "maintenance", errors, required=True)
    if maintenance is not None:
        kind = _choice(maintenance, "type", "maintenance.type", errors, MaintenanceType.values, required=True)
        _check_contacts(
            maintenance,
            "contacts",
            "maintenance.contacts",
            errors,
            required=kind in MAINTENANCE_NEEDS_CONTACTS,
        )

    localisation = _mapping(doc, "localisation", "localisation", errors, required=True)
    if localisation is not None:
        if "localisationReady" not in localisation:
            errors.add("localisation.localisationReady", _("This key is required."))
        elif not isinstance(localisation["localisationReady"], bool):
            errors.add("localisation.localisationReady", _("This must be true or false."))
        languages = _text_list(
            localisation, "availableLanguages", "localisation.availableLanguages", errors,
            required=True, non_empty=True,
        )  # fmt: skip
        for index, language in enumerate(languages or []):
            if not _LANGUAGE.match(language):
                errors.add(
                    f"localisation.availableLanguages[{index}]",
                    _("%(value)s is not a language code (BCP 47, e.g. id or en).") % {"value": language},
                )

    _check_extension(doc, errors)
    errors.raise_if_any()
    return doc
