"""Validating rows: each row's cells become App fields, checked as the model would check them.

Nothing here writes: `check_rows` finds, for every row, the app of the region it updates (by slug,
or by name without a slug column) or the slug of the app it creates, and every error of every row.
"""

import copy
import datetime
import re
from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from config.errors import error_dict
from registry.models import Region

from ..models import App, default_platforms
from ..services import agency_of
from ..validators import normalize_license
from .columns import ALIASES, CHOICE_COLUMNS, DATE_FORMATS, LIST_COLUMNS, URL_COLUMNS, normalize_header
from .reading import ROW_KEY, cell_text

# How often (in rows) check_rows reports its progress.
PROGRESS_EVERY = 200


@dataclass
class Row:
    number: int
    fields: dict
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    slug_given: bool = False
    target: App | None = None
    changes: dict = field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        if message not in self.errors[name]:
            self.errors[name].append(message)


def check_rows(
    *, region: Region, rows: list[dict], created_by=None, progress: Callable[[int], None] | None = None
) -> list[Row]:
    """Every row parsed, matched to the region's apps and validated; `progress(done)` now and then."""
    lookups = Lookups(region)
    parsed = [parse_row(index, row, lookups) for index, row in enumerate(rows)]
    resolve_identities(parsed, region)
    for done, row in enumerate(parsed, 1):
        validate_row(row, region, created_by)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    return parsed


def message_dict(exc: ValidationError) -> dict[str, list[str]]:
    """A row's errors by column, those of no column under NON_FIELD_ERRORS (config.errors maps them)."""
    return error_dict(exc, non_field_key=NON_FIELD_ERRORS)


def _choice_lookup(choice_class) -> dict[str, str]:
    """Stored value or label (case-insensitive) -> value; also each half of a "Label (alias)" label."""
    values = {_fold(value): value for value in choice_class.values}
    aliases: dict[str, str] = {}
    ambiguous = set()
    for language in (None, "en", settings.LANGUAGE_CODE):
        with override(language) if language else nullcontext():
            for value, label in choice_class.choices:
                text = str(label)
                keys = [text]
                match = re.fullmatch(r"(.+?)\s*\((.+)\)", text)
                if match:
                    keys += [match.group(1), match.group(2)]
                for key in map(_fold, keys):
                    if aliases.get(key, value) != value:
                        ambiguous.add(key)
                    aliases.setdefault(key, value)
    return {**{k: v for k, v in aliases.items() if k not in ambiguous}, **values}


def _fold(text: str) -> str:
    return " ".join(str(text).casefold().split())


class Lookups:
    """What rows look up, computed once per import: choices, the region's agencies, licences."""

    def __init__(self, region: Region):
        self.region = region
        self.choices = {name: _choice_lookup(choice_class) for name, choice_class in CHOICE_COLUMNS.items()}
        self._agencies: dict[str, object] = {}
        self._licenses: dict[str, tuple[str, list[str]]] = {}

    def agency(self, text: str):
        key = _fold(text)
        if key not in self._agencies:
            self._agencies[key] = agency_of(self.region, text)
        return self._agencies[key]

    def license(self, text: str) -> tuple[str, list[str]]:
        """(normalized expression, error messages): normalizing is slow, a file repeats a few licences."""
        if text not in self._licenses:
            try:
                self._licenses[text] = (normalize_license(text), [])
            except ValidationError as exc:
                self._licenses[text] = ("", exc.messages)
        return self._licenses[text]


def parse_row(index: int, row: dict, lookups: Lookups) -> Row:
    """Turn one row's cells into the keyword arguments app_create expects, noting cell errors."""
    region, choices = lookups.region, lookups.choices
    parsed = Row(number=int(row.get(ROW_KEY) or index + 2), fields={})
    for key, raw in row.items():
        if key == ROW_KEY:
            continue
        name = ALIASES.get(normalize_header(key))
        if name is None:
            parsed.error(NON_FIELD_ERRORS, _("Unknown column “%(column)s”.") % {"column": key})
            continue
        text = cell_text(raw)
        model_field = App._meta.get_field(name)
        if name in CHOICE_COLUMNS:
            if not text:
                parsed.fields[name] = model_field.get_default() if model_field.has_default() else ""
            elif _fold(text) in choices[name]:
                parsed.fields[name] = choices[name][_fold(text)]
            else:
                parsed.error(
                    name,
                    _("“%(value)s” is not a valid %(field)s. Use one of: %(choices)s.")
                    % {
                        "value": text,
                        "field": model_field.verbose_name,
                        "choices": ", ".join(CHOICE_COLUMNS[name].values),
                    },
                )
        elif name in LIST_COLUMNS:
            items = [item.strip() for item in re.split(r"[;\n]", text) if item.strip()]
            if name == "platforms":
                items = [item.casefold() for item in items] or default_platforms()
            parsed.fields[name] = items
        elif name == "launched_on":
            if not text:
                parsed.fields[name] = None
            else:
                try:
                    parsed.fields[name] = _parse_date(raw)
                except ValueError:
                    parsed.error(
                        name,
                        _("“%(value)s” is not a date; write it as YYYY-MM-DD or DD/MM/YYYY.")
                        % {"value": text},
                    )
        elif name == "owner_agency":
            if not text:
                parsed.fields[name] = None
            else:
                agency = lookups.agency(text)
                if agency is None:
                    parsed.error(
                        name,
                        _("%(region)s has no agency (OPD) named “%(value)s”.")
                        % {"region": region.name, "value": text},
                    )
                else:
                    parsed.fields[name] = agency
        elif name == "license":
            if not text:
                parsed.fields[name] = ""
            else:
                value, messages = lookups.license(text)
                parsed.fields[name] = value
                for message in messages:
                    parsed.error(name, message)
        elif name in URL_COLUMNS:
            # "batangkab.go.id" is how people write a website in a spreadsheet.
            if text and "://" not in text and " " not in text and "." in text:
                text = f"https://{text}"
            parsed.fields[name] = text
        elif name == "slug":
            parsed.slug_given = bool(text)
            if text:
                parsed.fields[name] = text
        else:
            parsed.fields[name] = text
    return parsed


def _parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise ValueError(text)


def resolve_identities(rows: list[Row], region: Region) -> None:
    """Decide for each row which app of the region it updates, or the slug of the app it creates."""
    region_apps = list(App.objects.filter(owner_region=region))
    by_slug = {app.slug: app for app in region_apps}
    by_name = defaultdict(list)
    for app in region_apps:
        by_name[_fold(app.name)].append(app)

    first_with_name: dict[str, int] = {}
    for row in rows:
        name = _fold(row.fields.get("name", ""))
        if not name:
            continue
        if name in first_with_name:
            row.error(
                "name",
                _("Same name as row %(row)d; each app can appear only once.")
                % {"row": first_with_name[name]},
            )
        else:
            first_with_name[name] = row.number

    file_slugs: dict[str, int] = {}
    given = [row for row in rows if row.slug_given]
    elsewhere = dict(
        App.objects.filter(slug__in=[row.fields["slug"] for row in given])
        .exclude(owner_region=region)
        .values_list("slug", "owner_region__name")
    )
    for row in given:
        slug = row.fields["slug"]
        if slug in file_slugs:
            row.error("slug", _("Same slug as row %(row)d.") % {"row": file_slugs[slug]})
            continue
        file_slugs[slug] = row.number
        if slug in elsewhere:
            row.error(
                "slug",
                _("The slug “%(slug)s” is already used by an app of %(region)s.")
                % {"slug": slug, "region": elsewhere[slug]},
            )
        row.target = by_slug.get(slug)

    for row in rows:
        if row.slug_given or not row.fields.get("name") or row.errors.get("name"):
            continue
        namesakes = by_name.get(_fold(row.fields["name"]), [])
        if len(namesakes) > 1:
            row.error(
                "name",
                _("%(region)s has several apps with this name; add a slug column to say which one.")
                % {"region": region.name},
            )
            continue
        if namesakes:
            row.target = namesakes[0]
            continue
        base = slugify(row.fields["name"])[:120] or "app"
        if base in by_slug and base not in file_slugs:
            row.target = by_slug[base]
            file_slugs[base] = row.number
            continue
        row.fields["slug"] = _free_slug(base, file_slugs)
        file_slugs[row.fields["slug"]] = row.number

    targeted: dict[int, int] = {}
    for row in rows:
        if row.target is None or row.errors.get("name") or row.errors.get("slug"):
            continue
        if row.target.pk in targeted:
            row.error(
                NON_FIELD_ERRORS,
                _("Row %(row)d already describes the app “%(slug)s”.")
                % {"row": targeted[row.target.pk], "slug": row.target.slug},
            )
        else:
            targeted[row.target.pk] = row.number


def _free_slug(base: str, file_slugs: dict[str, int]) -> str:
    """`base`, or `base-2`, `base-3`... when taken by any app or by another row (as unique_slug does)."""
    taken = set(App.objects.filter(slug__startswith=base).values_list("slug", flat=True)) | set(file_slugs)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def validate_row(row: Row, region: Region, created_by) -> None:
    """full_clean an unsaved App built from the row; for an update, also note what would change."""
    if row.target is None:
        app = App(owner_region=region, created_by=created_by)
        app.owner_province_id = region.province_code
    else:
        app = copy.copy(row.target)
        row.fields.pop("slug", None)  # an app found by name keeps its slug
    for name, value in row.fields.items():
        setattr(app, name, value)
    exclude = set(row.errors)
    if row.fields.get("license"):
        exclude.add("license")  # already checked by normalize_license, the field's own validator
    if not row.fields.get("slug") and row.target is None:
        exclude.add("slug")  # no name, so no slug: the missing name is the error to show
    try:
        app.full_clean(exclude=sorted(exclude))
    except ValidationError as exc:
        for name, messages in message_dict(exc).items():
            for message in messages:
                row.error(name, message)
    if row.target is not None and not row.errors:
        row.changes = {
            name: value
            for name, value in row.fields.items()
            if _stored(row.target, name) != _stored(app, name)
        }


def _stored(app: App, name: str):
    return getattr(app, App._meta.get_field(name).attname)
