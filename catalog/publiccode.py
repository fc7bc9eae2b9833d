"""publiccode.yml (core schema, publiccodeYmlVersion "0.4") export and import of catalog apps.

Export: `app_publiccode(app, app_url=...)` builds the document, `app_publiccode_yaml` writes it.

    publiccodeYmlVersion  "0.4"
    name                  App.name
    url                   App.repository_url; without one, `app_url` (the app's Lumbung page). Never invented.
    landingURL            App.website_url (left out when empty)
    isBasedOn             the lineage: the `based_on` app's repository URL or, without one, its Lumbung page;
                          and/or App.based_on_url. A string for one URL, a list of two when both exist (the
                          Lumbung original first). Left out when the app has no known original.
    releaseDate           App.launched_on as "YYYY-MM-DD" (left out when unknown)
    platforms             App.platforms
    categories            CATEGORY_MAP[App.category]: our category as tags of the standard's vocabulary
    usedBy                names of the regions with VERIFIED adoptions, sorted (left out when none)
    developmentStatus     App.status            softwareType    App.software_type
    description.id        short_description, long_description, features
    description.en        the *_en fields, only when both the short and the long English text exist
    legal.license         App.license (already a normalized SPDX expression)
    maintenance           type = App.maintenance_type; contacts = the maintainer contacts. An app maintained
                          "internal" or "contract" without one (the standard then requires contacts) gets its
                          owner as the contact: {name: <agency name>, affiliation: <region name>}, or
                          {name: <region name>} without an agency ("internal" means the owner's own staff;
                          under a contract the owner answers for it). The import recognises this stand-in and
                          stores no contact for it. Left out otherwise when there are none.
    localisation          availableLanguages = the description languages; localisationReady = more than
                          one of them (derived: Lumbung records no separate flag)
    x-lumbung             Lumbung values the standard has no key for (below)

The Lumbung page of the `based_on` app is built from `app_url`: its last path segment (this app's slug)
is replaced by the original's slug, so the host and any language prefix stay those of the caller; when
`app_url` does not end with the slug, "<origin of app_url>/aplikasi/<slug>/" is used.

`x-lumbung` holds what an exact round trip (export -> import -> export) needs and the standard cannot say:
    slug        identity within Lumbung: the import updates the app of the region with this slug, and a
                `url` ending in /aplikasi/<slug>/ is recognised as the Lumbung page, not a repository
    region      the owner region's Kemendagri code; informational (the importer names the region), a
                mismatch is noted
    category    our own category: the standard's tags map many-to-one, so they cannot give it back
    dimension   smart city dimension, and
    spbeType    SPBE type: both required by Lumbung; a new app cannot be created without them
    agency      the owner agency (OPD) name, looked up by name or short name in the importing region
    basedOn     the original's slug: disambiguates `isBasedOn` when several apps share a repository URL
    basedOnNote the lineage note
    mentors     the mentor contacts ({name, email?, phone?, affiliation?}); `maintenance.contacts` holds
                the maintainers only
Deliberately not exported: service figures, screenshots, MoUs, the record's `source` and adoption details
(only usedBy). An import leaves them as they are when it updates an app.

Import: `app_import_publiccode(text=..., region=...)` validates with `publiccode_parse`, then creates the
app through catalog.services.app_create or updates the region's existing one (same x-lumbung slug, else
same repository URL) through app_update, in one transaction. When `x-lumbung` is absent (a document written
elsewhere), an update keeps the app's dimension, SPBE type, agency, lineage note and mentors, and its
lineage too when the document has no isBasedOn; the category
is kept when its tags overlap the document's, otherwise it becomes the one of ours whose tags overlap the
document's most (Jaccard; ties go to the first in AppCategory), otherwise "lainnya". The document's usedBy
regions (exact Region names) are recorded as unverified adoptions when not recorded yet, and only for the
regions the importing user may record adoptions for (registry.permissions; the others are skipped and
noted; an import with no user, from the command line, records them all); existing adoptions are never
removed. Anything the import could not apply is appended to `notes` when a list is given.

Known gaps between the model and the standard (the export then fails `publiccode_parse`;
`app_publiccode_errors` tells which): App.long_description (and the English one) may be shorter than the
standard's 150 characters, and App.platforms is not checked against the standard's values.
"""

import datetime
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

import yaml
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import EmailValidator, URLValidator, validate_slug
from django.db import transaction
from django.utils.translation import gettext as _

from registry import permissions
from registry.models import Region, region_code_validator

from .choices import (
    AdoptionStage,
    AppCategory,
    ContactRole,
    DevelopmentStatus,
    MaintenanceType,
    SmartCityDimension,
    SoftwareType,
    SpbeType,
)
from .models import Adoption, App, AppContact
from .services import ContactInput, adoption_record_unverified, agency_of, app_create, app_update
from .validators import normalize_license
from .yaml_loader import YAMLLimitError, bounded_load

PUBLICCODE_VERSION = "0.4"
PUBLICCODE_MAX_BYTES = 256 * 1024
PUBLICCODE_CONTENT_TYPE = "application/yaml; charset=utf-8"
EXTENSION_KEY = "x-lumbung"

PLATFORMS = ("web", "windows", "mac", "linux", "ios", "android")
MAINTENANCE_NEEDS_CONTACTS = (MaintenanceType.INTERNAL, MaintenanceType.CONTRACT)
SHORT_DESCRIPTION_MAX = 150
LONG_DESCRIPTION_MIN, LONG_DESCRIPTION_MAX = 150, 10000

# The standard's controlled vocabulary of categories (core 0.4).
CATEGORIES = frozenset(
    """
    accounting agile-project-management applicant-tracking application-development
    appointment-scheduling backup billing-and-invoicing blog budgeting business-intelligence
    business-process-management cad call-center-management cloud-management collaboration communications
    compliance-management contact-management content-management crm customer-service-and-support
    data-analytics data-collection data-visualization design design-system digital-asset-management
    digital-citizenship document-management donor-management e-commerce e-signature educational-content
    email-management email-marketing employee-management enterprise-project-management
    enterprise-social-networking erp event-management facility-management
    feedback-and-reviews-management financial-reporting fleet-management fundraising gamification
    geographic-information-systems grant-management graphic-design help-desk hr ide identity-management
    instant-messaging inventory-management it-asset-management it-development it-management it-security
    it-service-management knowledge-management learning-management-system marketing mind-mapping
    mobile-marketing mobile-payment network-management office online-booking online-community
    payment-gateway payroll predictive-analysis procurement productivity-suite project-collaboration
    project-management property-management real-estate-management remote-support resource-management
    sales-management seo service-desk social-media-management survey talent-management task-management
    taxes-management test-management time-management time-tracking translation video-conferencing
    video-editing visitor-management voip warehouse-management web-collaboration web-conferencing
    website-builder whistleblowing workflow-management
    """.split()  # noqa: SIM905
)

# Our category -> the standard's tags, most specific first. "lainnya" gets the most general tag for
# public-sector software; the vocabulary has no "other".
CATEGORY_MAP: dict[str, tuple[str, ...]] = {
    AppCategory.COMPLAINTS: ("feedback-and-reviews-management", "customer-service-and-support"),
    AppCategory.SOCIAL_ASSISTANCE: ("grant-management", "digital-citizenship"),
    AppCategory.PLANNING: ("project-management", "budgeting"),
    AppCategory.BUDGETING: ("budgeting", "financial-reporting"),
    AppCategory.PROCUREMENT: ("procurement",),
    AppCategory.PUBLIC_INFORMATION: ("content-management", "knowledge-management"),
    AppCategory.COMMAND_CENTER: ("data-visualization", "data-analytics"),
    AppCategory.VILLAGE_SERVICES: ("digital-citizenship", "document-management"),
    AppCategory.HEALTH: ("appointment-scheduling", "data-collection"),
    AppCategory.EDUCATION: ("learning-management-system", "educational-content"),
    AppCategory.TOURISM: ("marketing", "online-booking"),
    AppCategory.ROADS: ("geographic-information-systems", "facility-management"),
    AppCategory.CIVIL_SERVICE: ("hr", "employee-management"),
    AppCategory.LICENSING: ("workflow-management", "e-signature"),
    AppCategory.OTHER: ("digital-citizenship",),
}

_VERSION = re.compile(r"^0\.[2-4](\.\d+)?$")
_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LUMBUNG_PAGE = re.compile(r"/aplikasi/(?P<slug>[-a-zA-Z0-9_]+)/?$")

_url_validator = URLValidator()
_email_validator = EmailValidator()

# Model fields -> document paths, so that errors raised by the services name the key of the document.
_FIELD_PATHS = {
    "name": "name",
    "slug": f"{EXTENSION_KEY}.slug",
    "owner_agency": f"{EXTENSION_KEY}.agency",
    "category": f"{EXTENSION_KEY}.category",
    "dimension": f"{EXTENSION_KEY}.dimension",
    "spbe_type": f"{EXTENSION_KEY}.spbeType",
    "status": "developmentStatus",
    "software_type": "softwareType",
    "platforms": "platforms",
    "short_description": "description.id.shortDescription",
    "short_description_en": "description.en.shortDescription",
    "long_description": "description.id.longDescription",
    "long_description_en": "description.en.longDescription",
    "features": "description.id.features",
    "features_en": "description.en.features",
    "license": "legal.license",
    "repository_url": "url",
    "source": "url",
    "website_url": "landingURL",
    "maintenance_type": "maintenance.type",
    "launched_on": "releaseDate",
    "based_on": "isBasedOn",
    "based_on_url": "isBasedOn",
    "based_on_note": f"{EXTENSION_KEY}.basedOnNote",
    "region": "usedBy",
}


# Export ------------------------------------------------------------------------------------------


def _lumbung_page_of(app: App, *, app_url: str, original: App) -> str:
    tail = f"/{app.slug}/"
    if app_url.endswith(tail):
        return f"{app_url[: -len(tail)]}/{original.slug}/"
    parts = urlsplit(app_url)
    return f"{parts.scheme}://{parts.netloc}/aplikasi/{original.slug}/"


def _contact(contact: AppContact) -> dict:
    item = {"name": contact.name}
    for key in ("email", "phone", "affiliation"):
        if getattr(contact, key):
            item[key] = str(getattr(contact, key))
    return item


def _owner_contact(region: Region, agency) -> dict:
    """The stand-in maintainer of an app maintained by its owner without a recorded contact."""
    if agency is not None:
        return {"name": str(agency.name), "affiliation": str(region.name)}
    return {"name": str(region.name)}


def _description(short: str, long: str, features) -> dict:
    return {
        "shortDescription": str(short),
        "longDescription": str(long),
        "features": [str(feature) for feature in features or []],
    }


def app_publiccode(app: App, *, app_url: str) -> dict:
    """The publiccode.yml document of `app`, as a dict in the standard's key order.

    `app_url` is the app's absolute Lumbung page URL: the `url` when the app has no repository URL,
    and the base of its original's Lumbung page in isBasedOn.
    """
    description = {"id": _description(app.short_description, app.long_description, app.features)}
    if app.short_description_en and app.long_description_en:
        description["en"] = _description(app.short_description_en, app.long_description_en, app.features_en)
    languages = list(description)

    doc: dict = {
        "publiccodeYmlVersion": PUBLICCODE_VERSION,
        "name": str(app.name),
        "url": str(app.repository_url or app_url),
    }
    if app.website_url:
        doc["landingURL"] = str(app.website_url)
    originals = []
    if app.based_on is not None:
        originals.append(
            app.based_on.repository_url or _lumbung_page_of(app, app_url=app_url, original=app.based_on)
        )
    if app.based_on_url and app.based_on_url not in originals:
        originals.append(app.based_on_url)
    if originals:
        doc["isBasedOn"] = str(originals[0]) if len(originals) == 1 else [str(url) for url in originals]
    if app.launched_on:
        launched = app.launched_on
        doc["releaseDate"] = launched.isoformat() if isinstance(launched, datetime.date) else str(launched)
    doc["platforms"] = [str(platform) for platform in app.platforms or []]
    doc["categories"] = list(CATEGORY_MAP.get(app.category, CATEGORY_MAP[AppCategory.OTHER]))
    used_by = (
        sorted(
            Adoption.objects.filter(app=app, verified=True).order_by().values_list("region__name", flat=True)
        )
        if app.pk
        else []
    )
    if used_by:
        doc["usedBy"] = used_by
    doc["developmentStatus"] = str(app.status)
    doc["softwareType"] = str(app.software_type)
    doc["description"] = description
    doc["legal"] = {"license": str(app.license)}

    contacts = list(app.contacts.order_by("id")) if app.pk else []
    maintainers = [_contact(c) for c in contacts if c.role == ContactRole.MAINTAINER]
    mentors = [_contact(c) for c in contacts if c.role == ContactRole.MENTOR]
    if not maintainers and app.maintenance_type in MAINTENANCE_NEEDS_CONTACTS:
        maintainers = [_owner_contact(app.owner_region, app.owner_agency)]
    maintenance: dict = {"type": str(app.maintenance_type)}
    if maintainers:
        maintenance["contacts"] = maintainers
    doc["maintenance"] = maintenance
    doc["localisation"] = {"localisationReady": len(languages) > 1, "availableLanguages": languages}

    extension: dict = {
        "slug": str(app.slug),
        "region": str(app.owner_region_id),
        "category": str(app.category),
        "dimension": str(app.dimension),
        "spbeType": str(app.spbe_type),
    }
    if app.owner_agency is not None:
        extension["agency"] = str(app.owner_agency.name)
    if app.based_on is not None:
        extension["basedOn"] = str(app.based_on.slug)
    if app.based_on_note:
        extension["basedOnNote"] = str(app.based_on_note)
    if mentors:
        extension["mentors"] = mentors
    doc[EXTENSION_KEY] = extension
    return doc


class _Dumper(yaml.SafeDumper):
    """SafeDumper writing multi-line text as literal blocks, and never anchors/aliases."""

    def ignore_aliases(self, data) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # PyYAML itself falls back to a quoted scalar when a block cannot hold the text exactly.
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|" if "\n" in data else None)


_Dumper.add_representer(str, _represent_str)


def publiccode_dump(doc: dict) -> str:
    """A publiccode.yml text of `doc` (safe YAML, Unicode kept, keys in the document's order)."""
    return yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def app_publiccode_yaml(app: App, *, app_url: str) -> str:
    """The publiccode.yml file of `app` (see app_publiccode)."""
    return publiccode_dump(app_publiccode(app, app_url=app_url))


def app_publiccode_errors(app: App, *, app_url: str) -> dict[str, list[str]]:
    """What makes the export of `app` fail the standard, by key path; empty when it is valid."""
    try:
        publiccode_parse(app_publiccode_yaml(app, app_url=app_url))
    except ValidationError as exc:
        return exc.message_dict
    return {}


# Parsing and validation --------------------------------------------------------------------------


class _Errors:
    def __init__(self) -> None:
        self.by_path: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.by_path.setdefault(path, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.by_path:
            raise ValidationError(self.by_path)


def _document_error(message: str) -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: [message]})


def _mapping(parent: dict, key: str, path: str, errors: _Errors, *, required: bool) -> dict | None:
    if key not in parent:
        if required:
            errors.add(path, _("This key is required."))
        return None
    value = parent[key]
    if not isinstance(value, dict):
        errors.add(path, _("This must be a mapping of keys to values."))
        return None
    return value


def _text(parent: dict, key: str, path: str, errors: _Errors, *, required: bool) -> str | None:
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


def _text_list(parent: dict, key: str, path: str, errors: _Errors, *, required: bool, non_empty: bool):
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


def _choice(parent: dict, key: str, path: str, errors: _Errors, choices: Sequence[str], *, required: bool):
    value = _text(parent, key, path, errors, required=required)
    if value is not None and value not in choices:
        errors.add(
            path,
            _("%(value)s is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(choices)},
        )
        return None
    return value


def _check_url(value: str, path: str, errors: _Errors) -> None:
    try:
        _url_validator(value)
    except ValidationError:
        errors.add(path, _("%(value)s is not a valid http(s) URL.") % {"value": value})


def _check_contacts(parent: dict, key: str, path: str, errors: _Errors, *, required: bool) -> None:
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


def _check_description(doc: dict, errors: _Errors) -> None:
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


def _check_extension(doc: dict, errors: _Errors) -> None:
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
            raise _document_error(_("The file is not UTF-8 text.")) from exc
    if not isinstance(text, str):
        raise _document_error(_("The document must be text."))
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
        raise _document_error(message) from exc
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
        raise _document_error(message) from exc
    if not isinstance(doc, dict):
        raise _document_error(_("A publiccode.yml document must be a mapping of keys to values."))
    return doc


def _too_large() -> ValidationError:
    return _document_error(
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
    errors = _Errors()

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


# Import ------------------------------------------------------------------------------------------


def _lumbung_slug(url: str) -> str | None:
    """The slug of a Lumbung app page URL (ending in /aplikasi/<slug>/), else None."""
    match = _LUMBUNG_PAGE.search(urlsplit(url).path)
    return match["slug"] if match else None


def category_from_tags(tags: Sequence[str]) -> str:
    """Our category closest to the standard's `tags` (Jaccard; ties: AppCategory order), or "lainnya"."""
    wanted = set(tags)
    best, best_score = AppCategory.OTHER.value, 0.0
    for category in AppCategory.values:
        mapped = set(CATEGORY_MAP[category])
        score = len(mapped & wanted) / len(mapped | wanted) if wanted else 0.0
        if score > best_score:
            best, best_score = category, score
    return best


def _app_for_url(url: str, *, hint_slug: str | None, exclude_pk: int | None) -> App | None:
    candidates = App.objects.exclude(pk=exclude_pk) if exclude_pk else App.objects.all()
    if hint_slug:
        hinted = candidates.filter(slug=hint_slug).first()
        if hinted is not None and (hinted.repository_url == url or _lumbung_slug(url) == hinted.slug):
            return hinted
    by_repository = list(candidates.filter(repository_url=url).order_by("pk")[:2])
    if len(by_repository) == 1:
        return by_repository[0]
    slug = _lumbung_slug(url)
    if slug:
        by_page = candidates.filter(slug=slug).first()
        if by_page is not None:
            return by_page
    # Several apps share the repository (replicas often do): the first recorded is taken as the original.
    return by_repository[0] if by_repository else None


def _contact_inputs(contacts, role: str) -> list[ContactInput]:
    return [
        ContactInput(
            name=contact["name"].strip(),
            role=role,
            email=(contact.get("email") or "").strip(),
            phone=(contact.get("phone") or "").strip(),
            affiliation=(contact.get("affiliation") or "").strip(),
        )
        for contact in contacts or []
    ]


def _check_contact_lengths(contacts: list[ContactInput], path: str, errors: _Errors) -> None:
    for index, contact in enumerate(contacts):
        for key in ("name", "email", "phone", "affiliation"):
            limit = AppContact._meta.get_field(key).max_length
            if len(getattr(contact, key)) > limit:
                errors.add(
                    f"{path}[{index}].{key}",
                    _("At most %(max)d characters are allowed here.") % {"max": limit},
                )


def _with_paths(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return _document_error("; ".join(exc.messages))
    by_path: dict[str, list[str]] = {}
    for field, messages in exc.message_dict.items():
        by_path.setdefault(_FIELD_PATHS.get(field, field), []).extend(messages)
    return ValidationError(by_path)


def _existing_app(*, region: Region, repository_url: str, slug: str | None) -> App | None:
    apps = App.objects.select_for_update().filter(owner_region=region)
    if slug:
        app = apps.filter(slug=slug).first()
        if app is not None:
            return app
    if repository_url:
        matches = list(apps.filter(repository_url=repository_url).order_by("pk")[:2])
        if len(matches) > 1:
            raise ValidationError(
                {
                    "url": _(
                        "Several apps of %(region)s have this repository URL; name the one to update "
                        "in x-lumbung.slug."
                    )
                    % {"region": region.name}
                }
            )
        if matches:
            return matches[0]
    return None


@transaction.atomic
def app_import_publiccode(
    *, text: str | bytes, region: Region, created_by=None, notes: list[str] | None = None
) -> tuple[App, bool]:
    """Create or update an app of `region` from a publiccode.yml document; returns (app, created).

    The app updated is the region's app with the document's x-lumbung slug or, failing that, its
    repository URL. Raises ValidationError keyed by key path, and then saves nothing. What could not
    be applied (unknown usedBy regions, ignored languages, an agency not found...) is appended to
    `notes` when a list is given.
    """
    notes = notes if notes is not None else []
    doc = publiccode_parse(text)
    extension = doc.get(EXTENSION_KEY)
    has_extension = extension is not None
    extension = extension or {}
    errors = _Errors()

    description = doc["description"]
    if "id" not in description:
        errors.add("description.id", _("Lumbung needs the description in Indonesian (id)."))
    ignored = [language for language in description if language not in ("id", "en")]
    if ignored:
        notes.append(
            _("Descriptions in %(languages)s were not imported.") % {"languages": ", ".join(ignored)}
        )

    slug = extension.get("slug")
    url = doc["url"]
    repository_url = "" if slug and _lumbung_slug(url) == slug else url
    if extension.get("region") and extension["region"] != region.code:
        notes.append(
            _("The document names region %(code)s as the owner; it was imported for %(region)s (%(ours)s).")
            % {"code": extension["region"], "region": region.name, "ours": region.code}
        )

    maintainers = _contact_inputs(doc["maintenance"].get("contacts"), ContactRole.MAINTAINER)
    _check_contact_lengths(maintainers, "maintenance.contacts", errors)
    mentors = None
    if has_extension:
        mentors = _contact_inputs(extension.get("mentors"), ContactRole.MENTOR)
        _check_contact_lengths(mentors, f"{EXTENSION_KEY}.mentors", errors)
    errors.raise_if_any()

    try:
        app = _existing_app(region=region, repository_url=repository_url, slug=slug)
    except ValidationError as exc:
        raise _with_paths(exc) from exc
    created = app is None

    texts_id = description["id"]
    texts_en = description.get("en") or {}
    fields: dict = {
        "name": doc["name"].strip(),
        "status": doc["developmentStatus"],
        "software_type": doc["softwareType"],
        "platforms": list(dict.fromkeys(doc["platforms"])),
        "short_description": texts_id["shortDescription"],
        "long_description": texts_id["longDescription"],
        "features": list(texts_id["features"]),
        "short_description_en": texts_en.get("shortDescription", ""),
        "long_description_en": texts_en.get("longDescription", ""),
        "features_en": list(texts_en.get("features", [])),
        "license": doc["legal"]["license"],
        "repository_url": repository_url,
        "website_url": doc.get("landingURL") or "",
        "maintenance_type": doc["maintenance"]["type"],
        "launched_on": _release_date(doc.get("releaseDate")),
    }

    tags = doc["categories"]
    if extension.get("category"):
        fields["category"] = extension["category"]
    elif app is not None and set(CATEGORY_MAP.get(app.category, ())) & set(tags):
        pass  # the app's category still fits the document's tags
    else:
        fields["category"] = category_from_tags(tags)

    for key, field in (("dimension", "dimension"), ("spbeType", "spbe_type")):
        if extension.get(key):
            fields[field] = extension[key]
        elif created:
            errors.add(
                f"{EXTENSION_KEY}.{key}",
                _("A new app needs this Lumbung value; the publiccode.yml standard has no key for it."),
            )

    if has_extension:
        fields["based_on_note"] = extension.get("basedOnNote", "")
        agency_name = extension.get("agency")
        fields["owner_agency"] = agency_of(region, agency_name) if agency_name else None
        if agency_name and fields["owner_agency"] is None:
            notes.append(
                _("Agency %(agency)s is not recorded for %(region)s; the app has no agency.")
                % {"agency": agency_name, "region": region.name}
            )

    # A document written elsewhere that says nothing of an original keeps the lineage Lumbung recorded.
    keep_lineage = not created and not has_extension and "isBasedOn" not in doc
    based_on_urls = doc.get("isBasedOn") or []
    if isinstance(based_on_urls, str):
        based_on_urls = [based_on_urls]
    based_on, external = None, []
    for based_url in based_on_urls:
        if based_on is None:
            based_on = _app_for_url(
                based_url, hint_slug=extension.get("basedOn"), exclude_pk=app.pk if app else None
            )
            if based_on is not None:
                continue
        external.append(based_url)
    if not keep_lineage:
        fields["based_on"] = based_on
        fields["based_on_url"] = external[0] if external else ""
    if len(external) > 1:
        notes.append(
            _("Only one external original can be recorded; not imported: %(urls)s.")
            % {"urls": ", ".join(external[1:])}
        )
    errors.raise_if_any()

    if created:
        if slug and App.objects.filter(slug=slug).exists():
            notes.append(_("The slug %(slug)s is taken; a new one was made from the name.") % {"slug": slug})
        elif slug:
            fields["slug"] = slug
        fields["source"] = f"publiccode.yml {url}"[: App._meta.get_field("source").max_length]
    else:
        if slug and slug != app.slug:
            notes.append(
                _("The app keeps its slug %(current)s (the document says %(slug)s).")
                % {"current": app.slug, "slug": slug}
            )
        if mentors is None:
            mentors = [
                ContactInput(
                    name=c.name, role=c.role, email=c.email, phone=c.phone, affiliation=c.affiliation
                )
                for c in app.contacts.filter(role=ContactRole.MENTOR).order_by("id")
            ]

    agency = fields.get("owner_agency", app.owner_agency if app else None)
    if doc["maintenance"].get("contacts") == [_owner_contact(region, agency)]:
        maintainers = []  # the export's stand-in for an owner-maintained app, not a recorded person
    contacts = maintainers + (mentors or [])

    try:
        if created:
            app = app_create(owner_region=region, created_by=created_by, contacts=contacts, **fields)
        else:
            app = app_update(app=app, contacts=contacts, **fields)
        _record_used_by(app=app, names=doc.get("usedBy") or [], notes=notes, recorded_by=created_by)
    except ValidationError as exc:
        raise _with_paths(exc) from exc
    return app, created


def _release_date(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def _record_used_by(*, app: App, names: Sequence[str], notes: list[str], recorded_by=None) -> None:
    names = list(dict.fromkeys(name.strip() for name in names))
    regions = {region.name: region for region in Region.objects.filter(name__in=names)}
    recorded = set(Adoption.objects.filter(app=app).values_list("region_id", flat=True))
    codes = {region.code for region in regions.values()}
    allowed = codes if recorded_by is None else permissions.adoption_region_codes(recorded_by, codes)
    unknown, refused = [], []
    for name in names:
        region = regions.get(name)
        if region is None:
            unknown.append(name)
        elif region.code == app.owner_region_id:
            notes.append(_("%(region)s owns the app; it is not recorded as a user.") % {"region": name})
        elif region.code in recorded:
            continue  # never changed by an import
        elif region.code not in allowed:
            refused.append(name)
        else:
            adoption_record_unverified(
                app=app, region=region, stage=AdoptionStage.LIVE, source=f"publiccode.yml usedBy ({app.slug})"
            )
            recorded.add(region.code)
    if unknown:
        notes.append(
            _("usedBy names no recorded region, so these were not recorded: %(names)s.")
            % {"names": ", ".join(unknown)}
        )
    if refused:
        notes.append(
            _("You may not record the use of apps for these regions, so they were not recorded: %(names)s.")
            % {"names": ", ".join(refused)}
        )
