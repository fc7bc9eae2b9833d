"""Bulk import of a region's app inventory from a CSV or XLSX file.

Two steps, so that a file is never half-imported: `read_rows` turns the file into one dict per row
(or refuses the whole file), then `apps_import` validates every row and writes all of them in one
transaction, or none when any row is invalid. Each row is identified by its slug (a `slug` column)
or, without one, by its name among the region's apps; a row that matches an existing app of the
region updates it, so importing the same file twice changes nothing.
"""

import copy
import csv
import datetime
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from registry.models import Region

from .choices import (
    AppCategory,
    DevelopmentStatus,
    MaintenanceType,
    SmartCityDimension,
    SoftwareType,
    SpbeType,
)
from .models import App, default_platforms
from .services import agency_of, app_create, app_update
from .validators import normalize_license

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# Blank rows are skipped, but a sheet padded with hundreds of thousands of them is refused.
MAX_PHYSICAL_ROWS = 20 * MAX_ROWS
MAX_COLUMNS = 200
# An XLSX file is compressed XML: refuse one that unpacks to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Each dict from read_rows carries its row number in the file (the header is row 1) under this key.
ROW_KEY = "_row"

XLSX_SIGNATURE = b"PK\x03\x04"
# Formats people upload by mistake, recognised by their first bytes to say what the file really is.
_KNOWN_SIGNATURES = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\xd0\xcf\x11\xe0", "XLS"),  # OLE2: Excel 97-2003 and old Word files
    (b"\x1f\x8b", "gzip"),
    (b"PK\x05\x06", "ZIP"),
)

# Column name -> App field. The first spelling of each is the English name; Indonesian ones follow.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "nama", "nama_aplikasi"),
    "slug": ("slug",),
    "owner_agency": ("owner_agency", "opd", "agency", "perangkat_daerah"),
    "category": ("category", "kategori"),
    "dimension": ("dimension", "dimensi"),
    "spbe_type": ("spbe_type", "jenis_spbe"),
    "status": ("status", "development_status"),
    "software_type": ("software_type", "jenis_perangkat_lunak"),
    "platforms": ("platforms", "platform"),
    "short_description": ("short_description", "deskripsi_singkat"),
    "short_description_en": ("short_description_en", "deskripsi_singkat_en"),
    "long_description": ("long_description", "deskripsi"),
    "long_description_en": ("long_description_en", "deskripsi_en"),
    "features": ("features", "fitur"),
    "features_en": ("features_en", "fitur_en"),
    "license": ("license", "licence", "lisensi"),
    "repository_url": ("repository_url", "repository", "repositori"),
    "website_url": ("website_url", "website", "situs"),
    "maintenance_type": ("maintenance_type", "maintenance", "pemeliharaan"),
    "launched_on": ("launched_on", "diluncurkan", "tanggal_diluncurkan"),
    "source": ("source", "sumber"),
}
REQUIRED_COLUMNS = (
    "name",
    "category",
    "dimension",
    "spbe_type",
    "short_description",
    "long_description",
    "license",
)
_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
# The Indonesian spelling shown next to the English one in reports.
_INDONESIAN_NAMES = {
    "nama",
    "opd",
    "kategori",
    "dimensi",
    "jenis_spbe",
    "jenis_perangkat_lunak",
    "deskripsi_singkat",
    "deskripsi_singkat_en",
    "deskripsi",
    "deskripsi_en",
    "fitur",
    "fitur_en",
    "lisensi",
    "repositori",
    "situs",
    "pemeliharaan",
    "diluncurkan",
    "sumber",
}

CHOICE_COLUMNS = {
    "category": AppCategory,
    "dimension": SmartCityDimension,
    "spbe_type": SpbeType,
    "status": DevelopmentStatus,
    "software_type": SoftwareType,
    "maintenance_type": MaintenanceType,
}
LIST_COLUMNS = ("features", "features_en", "platforms")
URL_COLUMNS = ("repository_url", "website_url")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (wrong type, too large, bad columns...)."""

    def __init__(self, messages: Sequence[str]):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass
class ImportReport:
    """What an import did, or why it did nothing: per-row errors `{row: {field: [messages]}}`."""

    region: Region | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    file_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_errors

    def error_items(self) -> list[tuple[int, str, str]]:
        """(row number, column, message) for every row error, in file order."""
        items = []
        for number in sorted(self.errors):
            for name, messages in self.errors[number].items():
                items.extend((number, column_label(name), message) for message in messages)
        return items

    def summary(self) -> str:
        params = {
            "region": self.region.name if self.region else "",
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.file_errors:
            return _("Nothing was saved: the file cannot be imported.")
        if self.errors:
            return ngettext(
                "Nothing was saved: %(count)d of %(rows)d rows has errors.",
                "Nothing was saved: %(count)d of %(rows)d rows have errors.",
                len(self.errors),
            ) % {"count": len(self.errors), "rows": self.rows}
        if self.dry_run:
            return (
                _(
                    "Check only, nothing saved. %(region)s: %(created)d to create, %(updated)d to update, "
                    "%(unchanged)d unchanged."
                )
                % params
            )
        return _("%(region)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % params

    def text_lines(self) -> list[str]:
        """The report as plain text lines: file errors, then row errors row by row, then a summary."""
        lines = [_("File: %(message)s") % {"message": message} for message in self.file_errors]
        for number, column, message in self.error_items():
            if column:
                lines.append(
                    _("Row %(row)d, %(column)s: %(message)s")
                    % {"row": number, "column": column, "message": message}
                )
            else:
                lines.append(_("Row %(row)d: %(message)s") % {"row": number, "message": message})
        lines.append(self.summary())
        return lines


def column_label(name: str) -> str:
    """A column as named in reports: English name and Indonesian one, e.g. "category (kategori)"."""
    if name == NON_FIELD_ERRORS:
        return ""
    aliases = COLUMNS.get(name, ())
    indonesian = next((alias for alias in aliases[1:] if alias in _INDONESIAN_NAMES), "")
    return f"{name} ({indonesian})" if indonesian else name


def normalize_header(header) -> str:
    """Column names are matched case-insensitively, spaces and hyphens read as underscores."""
    text = str(header if header is not None else "").replace("\ufeff", "").strip().casefold()
    return re.sub(r"[\s\-]+", "_", text)


# Reading files ------------------------------------------------------------------------------------


def read_rows(file, *, filename: str) -> list[dict]:
    """The rows of a CSV or XLSX inventory as dicts keyed by App field name, plus ROW_KEY.

    The type is decided by content, not by the file name: an XLSX workbook is a ZIP archive,
    anything else must be UTF-8 text (with or without BOM) separated by commas or semicolons.
    Fully blank rows are skipped. Raises ImportFileError for a file that cannot be imported.
    """
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImportFileError([_too_large_message(size)])
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise ImportFileError([_too_large_message(len(data))])
    if not data.strip():
        raise ImportFileError([_("“%(name)s” is empty.") % {"name": filename}])
    reader = _xlsx_table if data.startswith(XLSX_SIGNATURE) else _csv_table
    return _rows_from_table(reader(data, filename))


def _too_large_message(size: int) -> str:
    return _("The file is %(size)s MB; at most %(limit)d MB can be imported.") % {
        "size": f"{size / 1024 / 1024:.1f}",
        "limit": MAX_BYTES // (1024 * 1024),
    }


def _not_supported(filename: str, kind: str = "") -> ImportFileError:
    if kind == "XLS":
        return ImportFileError(
            [
                _("“%(name)s” is an old Excel (.xls) file: save it as .xlsx or as CSV UTF-8 first.")
                % {"name": filename}
            ]
        )
    if kind:
        return ImportFileError(
            [_("“%(name)s” is a %(kind)s file, not a CSV or XLSX file.") % {"name": filename, "kind": kind}]
        )
    return ImportFileError([_("“%(name)s” is neither a CSV (UTF-8) nor an XLSX file.") % {"name": filename}])


def _csv_table(data: bytes, filename: str) -> "_Table":
    for signature, kind in _KNOWN_SIGNATURES:
        if data.startswith(signature):
            raise _not_supported(filename, kind)
    if b"\x00" in data:
        raise _not_supported(filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            [
                _(
                    "“%(name)s” is not UTF-8 text. In Excel, save it as “CSV UTF-8”, or upload the "
                    ".xlsx workbook itself."
                )
                % {"name": filename}
            ]
        ) from None
    delimiter = _csv_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _Table(reader)


def _csv_delimiter(text: str) -> str:
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;").delimiter
    except csv.Error:
        delimiter = ","
    # Column names hold neither separator: when the header line shows only the other one, trust it.
    header = sample.split("\n", 1)[0]
    other = ";" if delimiter == "," else ","
    if delimiter not in header and other in header:
        delimiter = other
    return delimiter


def _xlsx_table(data: bytes, filename: str) -> "_Table":
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # zipfile never unpacks more than the sizes declared here, so their sum is a safe bound.
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(
            [_("“%(name)s” is not a readable XLSX workbook.") % {"name": filename}]
        ) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            [_("“%(name)s” unpacks to too much data for an inventory.") % {"name": filename}]
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        # openpyxl and zipfile raise many kinds of errors on a damaged or foreign ZIP file.
        raise ImportFileError(
            [_("“%(name)s” is not a readable XLSX workbook.") % {"name": filename}]
        ) from exc
    if not workbook.worksheets:
        workbook.close()
        raise ImportFileError([_("“%(name)s” has no worksheet.") % {"name": filename}])
    return _Table(_xlsx_rows(workbook), closing=workbook)


def _xlsx_rows(workbook):
    sheet = workbook.worksheets[0]
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    # Only as many columns as the header names: a damaged dimension cannot blow up every row.
    width = max((i + 1 for i, value in enumerate(header) if _cell_text(value)), default=0)
    width = min(width, MAX_COLUMNS + 1)
    yield list(header[:width])
    if width:
        for values in sheet.iter_rows(min_row=2, max_col=width, values_only=True):
            yield list(values)


class _Table:
    """Rows of cells (the first one the header), whatever file they come from."""

    def __init__(self, rows, closing=None):
        self.rows = rows
        self.closing = closing


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cell_value(value):
    """Dates stay dates (an XLSX date cell); everything else becomes stripped text."""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date()
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    return _cell_text(value)


def _rows_from_table(table: _Table) -> list[dict]:
    try:
        return _read_table(table)
    except csv.Error as exc:
        # e.g. a cell longer than the csv module allows (131072 characters): the file is broken.
        raise ImportFileError([_("The CSV file cannot be read: %(error)s.") % {"error": exc}]) from exc
    finally:
        if table.closing is not None:
            table.closing.close()


def _read_table(table: _Table) -> list[dict]:
    iterator = iter(table.rows)
    header = next(iterator, None)
    if header is None or not any(_cell_text(cell) for cell in header):
        raise ImportFileError([_("The first row must hold the column names; it is empty.")])
    columns = _columns(header)
    rows, stray = [], []
    number = 1
    for cells in iterator:
        number += 1
        if number > MAX_PHYSICAL_ROWS:
            raise ImportFileError([_too_many_rows_message()])
        if not any(_cell_text(cell) for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise ImportFileError([_too_many_rows_message()])
        if any(_cell_text(cell) for index, cell in enumerate(cells) if index not in columns):
            stray.append(number)
        row = {ROW_KEY: number}
        for index, name in columns.items():
            row[name] = _cell_value(cells[index]) if index < len(cells) else ""
        rows.append(row)
    if stray:
        raise ImportFileError(
            [_("These rows have values in columns without a name: %(rows)s.") % {"rows": _short_list(stray)}]
        )
    if not rows:
        raise ImportFileError([_("The file has column names but no rows of apps.")])
    return rows


def _too_many_rows_message() -> str:
    return _("The file has more than %(limit)d rows; import at most %(limit)d apps at a time.") % {
        "limit": MAX_ROWS
    }


def _short_list(values: Sequence, limit: int = 20) -> str:
    shown = ", ".join(str(value) for value in values[:limit])
    return shown + (" …" if len(values) > limit else "")


def _columns(header: Sequence) -> dict[int, str]:
    """Column index -> App field; every unknown, duplicated or missing column is a file error."""
    if len(header) > MAX_COLUMNS:
        raise ImportFileError([_("The file has more than %(limit)d columns.") % {"limit": MAX_COLUMNS}])
    columns, unknown, duplicated, errors = {}, [], [], []
    seen: dict[str, str] = {}
    for index, cell in enumerate(header):
        title = _cell_text(cell)
        if not title:
            continue  # values under a column without a name are reported row by row
        name = _ALIASES.get(normalize_header(title))
        if name is None:
            unknown.append(title)
        elif name in seen:
            duplicated.append(f"“{seen[name]}” / “{title}”")
        else:
            seen[name] = title
            columns[index] = name
    if unknown:
        errors.append(
            _("Unknown columns: %(columns)s. Known columns: %(known)s.")
            % {"columns": ", ".join(f"“{title}”" for title in unknown), "known": _known_columns()}
        )
    if duplicated:
        errors.append(
            _("These columns mean the same thing; keep one of each: %(columns)s.")
            % {"columns": ", ".join(duplicated)}
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if missing:
        errors.append(
            _("Missing required columns: %(columns)s.")
            % {"columns": ", ".join(column_label(name) for name in missing)}
        )
    if errors:
        raise ImportFileError(errors)
    return columns


def _known_columns() -> str:
    return ", ".join(column_label(name) for name in COLUMNS)


def describe_columns() -> list[dict]:
    """The accepted columns, for help texts: field name, other accepted names, whether required."""
    return [
        {"name": name, "aliases": aliases[1:], "required": name in REQUIRED_COLUMNS}
        for name, aliases in COLUMNS.items()
    ]


# Validating and importing -------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    fields: dict
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    slug_given: bool = False
    target: App | None = None
    changes: dict = field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        if message not in self.errors[name]:
            self.errors[name].append(message)


def apps_import(*, region: Region, rows: list[dict], created_by=None, dry_run: bool = False) -> ImportReport:
    """Validate every row, then create or update all the region's apps in one transaction, or none.

    `rows` are dicts keyed by column (as from read_rows). A row whose slug (or, without a slug
    column, whose name) matches an app of `region` updates that app; other rows create apps
    through catalog.services.app_create. With `dry_run`, nothing is written.
    """
    report = ImportReport(region=region, rows=len(rows), dry_run=dry_run)
    if not rows:
        report.file_errors.append(_("There are no apps to import."))
        return report
    lookups = _Lookups(region)
    parsed = [_parse_row(index, row, lookups) for index, row in enumerate(rows)]
    _resolve_identities(parsed, region)
    for row in parsed:
        _validate_row(row, region, created_by)
    report.errors = {row.number: dict(row.errors) for row in parsed if row.errors}
    if report.errors:
        return report
    report.created = sum(1 for row in parsed if row.target is None)
    report.updated = sum(1 for row in parsed if row.target is not None and row.changes)
    report.unchanged = len(parsed) - report.created - report.updated
    if dry_run:
        return report
    try:
        with transaction.atomic():
            for row in parsed:
                _save_row(row, region, created_by)
    except _RowFailed as failure:
        report.errors = {failure.row.number: dict(failure.row.errors)}
        report.created = report.updated = report.unchanged = 0
    return report


def apps_import_file(
    *, region: Region, file, filename: str, created_by=None, dry_run: bool = False
) -> ImportReport:
    """read_rows + apps_import: a file that cannot be read becomes a report with file errors."""
    try:
        rows = read_rows(file, filename=filename)
    except ImportFileError as exc:
        return ImportReport(region=region, dry_run=dry_run, file_errors=exc.messages)
    return apps_import(region=region, rows=rows, created_by=created_by, dry_run=dry_run)


class _RowFailed(Exception):
    def __init__(self, row: _Row):
        self.row = row


def _save_row(row: _Row, region: Region, created_by) -> None:
    try:
        if row.target is None:
            app_create(owner_region=region, created_by=created_by, **row.fields)
        elif row.changes:
            app_update(app=row.target, **row.changes)
    except ValidationError as exc:
        # Something changed between validation and writing (another import, an admin edit).
        for name, messages in _message_dict(exc).items():
            for message in messages:
                row.error(name, message)
        raise _RowFailed(row) from exc
    except IntegrityError as exc:
        row.error(NON_FIELD_ERRORS, _("This row could not be saved: %(error)s") % {"error": exc})
        raise _RowFailed(row) from exc


def _message_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {NON_FIELD_ERRORS: exc.messages}


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


class _Lookups:
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


def _parse_row(index: int, row: dict, lookups: _Lookups) -> _Row:
    """Turn one row's cells into the keyword arguments app_create expects, noting cell errors."""
    region, choices = lookups.region, lookups.choices
    parsed = _Row(number=int(row.get(ROW_KEY) or index + 2), fields={})
    for key, raw in row.items():
        if key == ROW_KEY:
            continue
        name = _ALIASES.get(normalize_header(key))
        if name is None:
            parsed.error(NON_FIELD_ERRORS, _("Unknown column “%(column)s”.") % {"column": key})
            continue
        text = _cell_text(raw)
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


def _resolve_identities(rows: list[_Row], region: Region) -> None:
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


def _validate_row(row: _Row, region: Region, created_by) -> None:
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
        for name, messages in _message_dict(exc).items():
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
