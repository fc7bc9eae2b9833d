"""Writes of catalog apps: the apps, their figures and contacts, the search index, the cache version."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from registry.models import Agency, MoU, MoUParty, Region

from ..cache import catalog_changed
from ..choices import ContactRole
from ..models import App, AppContact, ServiceFigure
from ..validators import normalize_license
from .adoptions import recount_adoptions
from .search import app_refresh_search

# What describes an app, in the order the API shows it.
APP_DESCRIPTION_FIELDS = (
    "owner_agency",
    "category",
    "dimension",
    "spbe_type",
    "status",
    "software_type",
    "platforms",
    "short_description",
    "short_description_en",
    "long_description",
    "long_description_en",
    "features",
    "features_en",
    "license",
    "repository_url",
    "website_url",
    "maintenance_type",
    "launched_on",
    "based_on",
    "based_on_url",
    "based_on_note",
)
# What a write may set.
APP_FIELDS = ("name", "slug", *APP_DESCRIPTION_FIELDS, "source")


# Cache invalidation -------------------------------------------------------------------------------


# Apps --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureInput:
    metric: str
    measured_on: datetime.date
    value: float | None = None
    value_text: str = ""
    unit: str = ""
    label: str = ""
    source: str = ""


@dataclass(frozen=True)
class ContactInput:
    name: str
    role: str = ContactRole.MAINTAINER
    email: str = ""
    phone: str = ""
    affiliation: str = ""


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:120] or "app"
    slug, n = base, 2
    taken = App.objects.exclude(pk=exclude_pk) if exclude_pk else App.objects.all()
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(app: App, fields: dict) -> None:
    unknown = set(fields) - set(APP_FIELDS)
    if unknown:
        raise TypeError(f"Unknown app fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(app, name, value)
    if app.license:
        try:
            app.license = normalize_license(app.license)
        except ValidationError as exc:
            raise ValidationError({"license": exc.messages}) from exc
    app.features = [str(item).strip() for item in (app.features or []) if str(item).strip()]
    app.features_en = [str(item).strip() for item in (app.features_en or []) if str(item).strip()]


def _validate_lineage(app: App) -> None:
    errors = {}
    if app.owner_agency and app.owner_agency.region_id != app.owner_region_id:
        errors["owner_agency"] = _("This agency belongs to another region.")
    if app.based_on_id:
        if app.pk and app.based_on_id == app.pk:
            errors["based_on"] = _("An app cannot be based on itself.")
        elif app.pk and any(ancestor.pk == app.pk for ancestor in app.ancestors()):
            errors["based_on"] = _("This would make the lineage a circle.")
    if errors:
        raise ValidationError(errors)


def app_validate_mous(app: App, mous: Sequence[MoU] | None) -> None:
    """An app is linked only to agreements its owner region signed (whoever links it, staff too)."""
    if not mous:
        return
    signed = set(
        MoUParty.objects.filter(mou__in=[mou.pk for mou in mous], region=app.owner_region_id).values_list(
            "mou_id", flat=True
        )
    )
    foreign = [mou for mou in mous if mou.pk not in signed]
    if foreign:
        raise ValidationError(
            {
                "mous": [
                    _("%(region)s is not a party to MoU %(id)s (%(title)s).")
                    % {"region": app.owner_region.name, "id": mou.pk, "title": mou.title}
                    for mou in foreign
                ]
            }
        )


def _save(app: App, figures, contacts, mous, by=None) -> App:
    """Check and save `app` with the related rows given (None: keep them), then the search index and
    the cache."""
    _validate_lineage(app)
    app_validate_mous(app, mous)
    app.full_clean()
    app.save()
    _save_related(app, figures, contacts, mous, by)
    app_refresh_search(app_ids=[app.pk])
    catalog_changed()
    return app


def _save_related(app: App, figures, contacts, mous, by=None) -> None:
    if figures is not None:
        app.figures.all().delete()
        rows = [ServiceFigure(app=app, entered_by=by, **vars(figure)) for figure in figures]
        for row in rows:
            row.full_clean()
        ServiceFigure.objects.bulk_create(rows)
    if contacts is not None:
        app.contacts.all().delete()
        rows = [AppContact(app=app, **vars(contact)) for contact in contacts]
        for row in rows:
            row.full_clean()
        AppContact.objects.bulk_create(rows)
    if mous is not None:
        app.mous.set(mous)


@transaction.atomic
def app_create(
    *,
    owner_region: Region,
    created_by=None,
    figures: Sequence[FigureInput] = (),
    contacts: Sequence[ContactInput] = (),
    mous: Sequence[MoU] = (),
    **fields,
) -> App:
    """Record an app of `owner_region`. A slug is made from the name when none is given."""
    app = App(owner_region=owner_region, created_by=created_by)
    _apply(app, fields)
    if not app.slug:
        app.slug = unique_slug(app.name)
    return _save(app, figures, contacts, mous, created_by)


@transaction.atomic
def app_update(
    *,
    app: App,
    figures: Sequence[FigureInput] | None = None,
    contacts: Sequence[ContactInput] | None = None,
    mous: Sequence[MoU] | None = None,
    by=None,
    **fields,
) -> App:
    """Change an app; figures, contacts and MoUs, when given, replace the old ones (figures entered `by`
    the user making the change)."""
    _apply(app, fields)
    return _save(app, figures, contacts, mous, by)


def apps_changed(*, app_ids: Sequence[int]) -> None:
    """After rows of these apps were written outside app_create/app_update (the admin's inlines for
    figures, contacts, screenshots and adoptions): their search documents, adoption counts and every
    cached catalog answer follow."""
    app_refresh_search(app_ids=app_ids)
    recount_adoptions(app_ids=app_ids)
    catalog_changed()


@transaction.atomic
def app_delete(*, app: App) -> None:
    app.delete()
    catalog_changed()


def app_set_has_template(*, app: App, has_template: bool) -> None:
    """Called by templates_repo when a template of this app is registered or removed."""
    if app.has_template != has_template:
        App.objects.filter(pk=app.pk).update(has_template=has_template)
        app.has_template = has_template
        catalog_changed()


def agency_of(region: Region, name_or_short: str) -> Agency | None:
    value = (name_or_short or "").strip()
    if not value:
        return None
    return (
        Agency.objects.filter(region=region, short_name__iexact=value).first()
        or Agency.objects.filter(region=region, name__iexact=value).first()
    )
