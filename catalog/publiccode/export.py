"""The publiccode.yml (core schema, publiccodeYmlVersion "0.4") export of a catalog app.

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

Known gaps between the model and the standard (the export then fails `publiccode_parse`;
`app_publiccode_errors` tells which): App.long_description (and the English one) may be shorter than the
standard's 150 characters, and App.platforms is not checked against the standard's values.
"""

import datetime
from urllib.parse import urlsplit

import yaml
from django.core.exceptions import ValidationError

from registry.models import Region

from ..choices import AppCategory, ContactRole
from ..models import Adoption, App, AppContact
from .schema import publiccode_parse
from .vocabulary import CATEGORY_MAP, EXTENSION_KEY, MAINTENANCE_NEEDS_CONTACTS, PUBLICCODE_VERSION


def _lumbung_page_of(app: App, *, app_url: str, original: App) -> str:
    tail = f"/{app.slug}/"
    if app_url.endswith(tail):
        return f"{app_url[: -len(tail)]}/{original.slug}/"
    parts = urlsplit(app_url)
    return f"{parts.scheme}://{parts.netloc}/aplikasi/{original.slug}/"


def _contact(contact: AppContact) -> dict:
    """A contact as the public document shows it: a mentor's e-mail and telephone are personal and stay
    out (officials find them in "Tempat bertanya"); a maintainer's are the app's published contact."""
    item = {"name": contact.name}
    keys = ("affiliation",) if contact.role == ContactRole.MENTOR else ("email", "phone", "affiliation")
    for key in keys:
        if getattr(contact, key):
            item[key] = str(getattr(contact, key))
    return item


def owner_contact(region: Region, agency) -> dict:
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
        maintainers = [owner_contact(app.owner_region, app.owner_agency)]
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
