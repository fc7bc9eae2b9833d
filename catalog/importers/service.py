"""The import itself: every row checked, then all of them written in one transaction, or none."""

from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from registry.models import Region

from ..services import app_create, app_update
from .reading import Upload, read_upload, rows_from_upload
from .report import ImportFileError, ImportReport
from .rows import Row, check_rows, message_dict

# Share of the progress bar that checking the rows fills: about their share of the time (writing takes
# three times as long, measured). Writing them, one transaction that other connections cannot watch,
# fills the rest at once.
CHECKED_PERCENT = 30


def apps_import(
    *,
    region: Region,
    rows: list[dict],
    created_by=None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate every row, then create or update all the region's apps in one transaction, or none.

    `rows` are dicts keyed by column (as from read_rows). A row whose slug (or, without a slug
    column, whose name) matches an app of `region` updates that app; other rows create apps
    through catalog.services.app_create. With `dry_run`, nothing is written. `progress`, when
    given, is called with a percentage while rows are checked.
    """
    report = ImportReport(region=region, rows=len(rows), dry_run=dry_run)
    if not rows:
        report.file_errors.append(_("There are no apps to import."))
        return report
    checked = None
    if progress is not None:

        def checked(done: int) -> None:
            progress(done * CHECKED_PERCENT // len(rows))

    parsed = check_rows(region=region, rows=rows, created_by=created_by, progress=checked)
    report.errors = {row.number: dict(row.errors) for row in parsed if row.errors}
    if report.errors:
        return report
    report.created = sum(1 for row in parsed if row.target is None)
    report.updated = sum(1 for row in parsed if row.target is not None and row.changes)
    report.unchanged = len(parsed) - report.created - report.updated
    if dry_run:
        return report
    if progress is not None:
        progress(CHECKED_PERCENT)
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
        upload = read_upload(file, filename=filename)
    except ImportFileError as exc:
        return ImportReport(region=region, dry_run=dry_run, file_errors=exc.messages)
    return apps_import_upload(region=region, upload=upload, created_by=created_by, dry_run=dry_run)


def apps_import_upload(
    *,
    region: Region,
    upload: Upload,
    created_by=None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Parse an upload that passed read_upload's checks, then apps_import its rows."""
    try:
        rows = rows_from_upload(upload)
    except ImportFileError as exc:
        return ImportReport(region=region, dry_run=dry_run, file_errors=exc.messages)
    return apps_import(region=region, rows=rows, created_by=created_by, dry_run=dry_run, progress=progress)


class _RowFailed(Exception):
    def __init__(self, row: Row):
        self.row = row


def _save_row(row: Row, region: Region, created_by) -> None:
    try:
        if row.target is None:
            app_create(owner_region=region, created_by=created_by, **row.fields)
        elif row.changes:
            app_update(app=row.target, **row.changes)
    except ValidationError as exc:
        # Something changed between validation and writing (another import, an admin edit).
        for name, messages in message_dict(exc).items():
            for message in messages:
                row.error(name, message)
        raise _RowFailed(row) from exc
    except IntegrityError as exc:
        row.error(NON_FIELD_ERRORS, _("This row could not be saved: %(error)s") % {"error": exc})
        raise _RowFailed(row) from exc
