"""The publiccode.yml import: a document creates or updates an app of a region.

`app_import_publiccode(text=..., region=...)` validates with `publiccode_parse`, then creates the
app through app_create or updates the region's existing one (same x-lumbung slug, else
same repository URL) through app_update, in one transaction. When `x-lumbung` is absent (a document written
elsewhere), an update keeps the app's dimension, SPBE type, agency, lineage note and mentors, and its
lineage too when the document has no isBasedOn; the category
is kept when its tags overlap the document's, otherwise it becomes the one of ours whose tags overlap the
document's most (Jaccard; ties go to the first in AppCategory), otherwise "lainnya". The document's usedBy
regions (exact Region names) are recorded as unverified adoptions when not recorded yet, and only for the
regions the importing user may record adoptions for (registry.permissions; the others are skipped and
noted; an import with no user, from the command line, records them all); existing adoptions are never
removed. Anything the import could not apply is appended to `notes` when a list is given.

The document's mentors (x-lumbung.mentors) are kept as the app's mentor contacts (AppContact, which the
export writes back) and announced through `catalog.signals.app_mentors_declared` in the same
transaction: whom to ask about an app is the replication app's to show, and the catalog may not import it.
"""

import datetime
from collections.abc import Sequence

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from config.errors import error_dict
from registry import permissions
from registry.models import Region

from ..choices import AdoptionStage, ContactRole
from ..models import Adoption, App, AppContact
from ..publiccode.export import owner_contact
from ..publiccode.reading import PathErrors, document_error
from ..publiccode.schema import publiccode_parse
from ..publiccode.vocabulary import CATEGORY_MAP, EXTENSION_KEY, category_from_tags, lumbung_slug
from ..signals import app_mentors_declared
from .adoptions import adoption_record_unverified
from .apps import ContactInput, agency_of, app_create, app_update

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


def _app_for_url(url: str, *, hint_slug: str | None, exclude_pk: int | None) -> App | None:
    candidates = App.objects.exclude(pk=exclude_pk) if exclude_pk else App.objects.all()
    if hint_slug:
        hinted = candidates.filter(slug=hint_slug).first()
        if hinted is not None and (hinted.repository_url == url or lumbung_slug(url) == hinted.slug):
            return hinted
    by_repository = list(candidates.filter(repository_url=url).order_by("pk")[:2])
    if len(by_repository) == 1:
        return by_repository[0]
    slug = lumbung_slug(url)
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


def _check_contact_lengths(contacts: list[ContactInput], path: str, errors: PathErrors) -> None:
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
        return document_error("; ".join(exc.messages))
    by_path: dict[str, list[str]] = {}
    for field, messages in error_dict(exc, non_field_key=NON_FIELD_ERRORS).items():
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
    errors = PathErrors()

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
    repository_url = "" if slug and lumbung_slug(url) == slug else url
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
    declared_mentors = mentors
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
    if doc["maintenance"].get("contacts") == [owner_contact(region, agency)]:
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
    if declared_mentors is not None:
        _declare_mentors(app=app, mentors=declared_mentors, notes=notes)
    return app, created


def _declare_mentors(*, app: App, mentors: list[ContactInput], notes: list[str]) -> None:
    """Tell the higher apps (catalog.signals) the mentors the document declared; a receiver's refusal
    keyed "[<index>].<key>" is reported under x-lumbung.mentors."""
    path = f"{EXTENSION_KEY}.mentors"
    try:
        app_mentors_declared.send(sender=App, app=app, mentors=list(mentors), notes=notes)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise ValidationError({path: exc.messages}) from exc
        raise ValidationError(
            {f"{path}{key}": messages for key, messages in exc.message_dict.items()}
        ) from exc


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
