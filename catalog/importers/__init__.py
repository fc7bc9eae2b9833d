"""Bulk import of a region's app inventory from a CSV or XLSX file.

Two steps, so that a file is never half-imported: `read_rows` turns the file into one dict per row
(or refuses the whole file), then `apps_import` validates every row and writes all of them in one
transaction, or none when any row is invalid. Each row is identified by its slug (a `slug` column)
or, without one, by its name among the region's apps; a row that matches an existing app of the
region updates it, so importing the same file twice changes nothing.

    columns   the accepted columns          archive  XLSX checks made before parsing (zip bombs, DTDs)
    reading   file -> rows                  rows     row validation
    service   the all-or-nothing write      jobs     large imports in a Celery task (ImportJob)
    limits    the LUMBUNG_IMPORT_* settings report   ImportReport, ImportFileError
"""

from .columns import COLUMNS, REQUIRED_COLUMNS, column_label, describe_columns, normalize_header
from .jobs import import_job_create, import_job_for, import_job_run, import_runs_in_background
from .limits import Limits, import_limits
from .reading import ROW_KEY, Upload, read_rows, read_upload, rows_from_upload
from .report import ImportFileError, ImportReport
from .service import apps_import, apps_import_file, apps_import_upload

__all__ = [
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "ROW_KEY",
    "ImportFileError",
    "ImportReport",
    "Limits",
    "Upload",
    "apps_import",
    "apps_import_file",
    "apps_import_upload",
    "column_label",
    "describe_columns",
    "import_job_create",
    "import_job_for",
    "import_job_run",
    "import_limits",
    "import_runs_in_background",
    "normalize_header",
    "read_rows",
    "read_upload",
    "rows_from_upload",
]
