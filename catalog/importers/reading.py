"""Reading an inventory file into one dict per row, or refusing the whole file.

`read_upload` takes the bytes of an upload and decides, before any parsing, whether they can be read
at all (size, type, and for an XLSX archive the checks of .archive); it also estimates the rows, so a
caller can choose to import in the background. `rows_from_upload` then parses them.
"""

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from .archive import dtd_refused, inspect_xlsx, not_readable, too_many_rows
from .columns import ALIASES, REQUIRED_COLUMNS, column_label, known_columns, normalize_header
from .limits import MAX_COLUMNS, Limits, import_limits
from .report import ImportFileError

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


@dataclass
class Upload:
    """The bytes of a file that passed the checks made before parsing."""

    data: bytes
    filename: str
    kind: str  # "csv" or "xlsx"
    estimated_rows: int  # lines or <row> elements after the header: at least the rows of apps


def read_rows(file, *, filename: str) -> list[dict]:
    """The rows of a CSV or XLSX inventory as dicts keyed by App field name, plus ROW_KEY.

    The type is decided by content, not by the file name: an XLSX workbook is a ZIP archive,
    anything else must be UTF-8 text (with or without BOM) separated by commas or semicolons.
    Fully blank rows are skipped. Raises ImportFileError for a file that cannot be imported.
    """
    return rows_from_upload(read_upload(file, filename=filename))


def read_upload(file, *, filename: str, limits: Limits | None = None) -> Upload:
    """Read at most the size limit of `file` and check what can be checked without parsing it."""
    limits = limits or import_limits()
    size = getattr(file, "size", None)
    if size is not None and size > limits.max_bytes:
        raise ImportFileError([_too_large_message(size, limits)])
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limits.max_bytes + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > limits.max_bytes:
        raise ImportFileError([_too_large_message(len(data), limits)])
    if not data.strip():
        raise ImportFileError([_("“%(name)s” is empty.") % {"name": filename}])
    if data.startswith(XLSX_SIGNATURE):
        facts = inspect_xlsx(data, filename, limits)
        return Upload(data=data, filename=filename, kind="xlsx", estimated_rows=max(facts.rows - 1, 0))
    for signature, kind in _KNOWN_SIGNATURES:
        if data.startswith(signature):
            raise _not_supported(filename, kind)
    if b"\x00" in data:
        raise _not_supported(filename)
    return Upload(data=data, filename=filename, kind="csv", estimated_rows=data.strip().count(b"\n"))


def rows_from_upload(upload: Upload, limits: Limits | None = None) -> list[dict]:
    limits = limits or import_limits()
    if upload.kind == "xlsx":
        table = _xlsx_table(upload.data, upload.filename)
    else:
        table = _csv_table(upload.data, upload.filename)
    return _rows_from_table(table, limits)


def _too_large_message(size: int, limits: Limits) -> str:
    return _("The file is %(size)s MB; at most %(limit)d MB can be imported.") % {
        "size": f"{size / 1024 / 1024:.1f}",
        "limit": limits.max_bytes // (1024 * 1024),
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


class _Table:
    """Rows of cells (the first one the header), whatever file they come from."""

    def __init__(self, rows, closing=None):
        self.rows = rows
        self.closing = closing


def _csv_table(data: bytes, filename: str) -> _Table:
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


def _xlsx_table(data: bytes, filename: str) -> _Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        # openpyxl and zipfile raise many kinds of errors on a damaged or foreign ZIP file.
        raise _unreadable(exc, filename) from exc
    if not workbook.worksheets:
        workbook.close()
        raise ImportFileError([_("“%(name)s” has no worksheet.") % {"name": filename}])
    return _Table(_xlsx_rows(workbook, filename), closing=workbook)


def _xlsx_rows(workbook, filename: str):
    """The first sheet's rows; a sheet found damaged only while reading it refuses the whole file."""
    try:
        sheet = workbook.worksheets[0]
        header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        # Only as many columns as the header names: a damaged dimension cannot blow up every row.
        width = max((i + 1 for i, value in enumerate(header) if cell_text(value)), default=0)
        width = min(width, MAX_COLUMNS + 1)
        yield list(header[:width])
        if width:
            for values in sheet.iter_rows(min_row=2, max_col=width, values_only=True):
                yield list(values)
    except ImportFileError:
        raise
    except Exception as exc:
        # A sheet cut short (XML ParseError), a bad CRC found at a member's end, a cell openpyxl rejects.
        raise _unreadable(exc, filename) from exc


def _unreadable(exc: BaseException, filename: str) -> ImportFileError:
    """The error to show for what openpyxl raised; it wraps defusedxml's refusals in a ValueError."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DefusedXmlException):
            return dtd_refused(filename)
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return not_readable(filename)


def cell_text(value) -> str:
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
    return cell_text(value)


def _rows_from_table(table: _Table, limits: Limits) -> list[dict]:
    try:
        return _read_table(table, limits)
    except csv.Error as exc:
        # e.g. a cell longer than the csv module allows (131072 characters): the file is broken.
        raise ImportFileError([_("The CSV file cannot be read: %(error)s.") % {"error": exc}]) from exc
    finally:
        if table.closing is not None:
            table.closing.close()


def _read_table(table: _Table, limits: Limits) -> list[dict]:
    iterator = iter(table.rows)
    header = next(iterator, None)
    if header is None or not any(cell_text(cell) for cell in header):
        raise ImportFileError([_("The first row must hold the column names; it is empty.")])
    columns = _columns(header)
    rows, stray = [], []
    number = 1
    for cells in iterator:
        number += 1
        if number > limits.max_physical_rows:
            raise too_many_rows(limits)
        if not any(cell_text(cell) for cell in cells):
            continue
        if len(rows) == limits.max_rows:
            raise too_many_rows(limits)
        if any(cell_text(cell) for index, cell in enumerate(cells) if index not in columns):
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
        title = cell_text(cell)
        if not title:
            continue  # values under a column without a name are reported row by row
        name = ALIASES.get(normalize_header(title))
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
            % {"columns": ", ".join(f"“{title}”" for title in unknown), "known": known_columns()}
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
