"""Writes of the template library: registering template versions and the fork pipeline.

One concern a module, re-exported here (`from templates_repo import services`, then
`services.fork_request(...)`):

- `versions`: template folders registered as versions (`template_sync`), a version's files extracted
  once per machine (`template_dir_of`);
- `contexts`: a fork's context, the one check of what a request, the web form or a preview asks for
  (`fork_context`, `ContextError`);
- `forks`: the request, cancel, retry and the sweeper; the render task is queued by name, so that no
  module here imports `tasks`;
- `runs`: the render a task delivery does (`fork_run`), with its claim and lease;
- `catalog_record`: a succeeded fork's adoption and MoU in the catalog;
- `preview`: a render shown and thrown away (`fork_preview`);
- `patches`: the git patch between two renders (`make_patch`);
- `fleet`: the e-mail to the regions whose copies are behind when a new version is recorded
  (`fleet_version_published`, `fleet_notify_new_version`);
- `updates`: taking a newer template version into a copy (`update_request`, `update_run`,
  `update_mark_applied`), a job on the same pipeline as a fork;
- `results`: the service results a copy reports back and the keys it reports with
  (`reporting_key_create`, `reporting_key_revoke`, `service_report_submit`);
- `evaluation`: a replication's evaluation figures taken from its copy's reports (`evaluation_from_reports`).
"""

from . import catalog_record, contexts, fleet, forks, patches, preview, results, runs, updates, versions
from .catalog_record import fork_record_in_catalog
from .compare import version_compare
from .contexts import LOCKED_KEYS, REGION_KEYS, ContextError, fork_context, region_defaults
from .evaluation import evaluation_from_reports
from .fleet import NEW_VERSION_TASK, fleet_notify_new_version, fleet_version_published
from .forks import (
    IdempotencyConflict,
    fork_archive_filename,
    fork_cancel,
    fork_manifest,
    fork_permission_message,
    fork_request,
    fork_retry,
    fork_sweep,
    request_fingerprint,
)
from .preview import PREVIEW_LIMITS, Preview, fork_preview
from .results import (
    ReportRefused,
    reporting_key_authenticate,
    reporting_key_create,
    reporting_key_revoke,
    service_report_submit,
)
from .runs import ForkHeld, fork_fail_unexpectedly, fork_metadata, fork_run
from .updates import (
    UPDATE_TASK,
    update_fail_unexpectedly,
    update_mark_applied,
    update_metadata,
    update_permission_message,
    update_request,
    update_run,
)
from .versions import (
    COOKIECUTTERS_DIR,
    METADATA_FILE,
    RELEASES_DIR,
    TemplateSyncError,
    template_dir_of,
    template_sync,
)

__all__ = [
    "COOKIECUTTERS_DIR",
    "LOCKED_KEYS",
    "METADATA_FILE",
    "NEW_VERSION_TASK",
    "PREVIEW_LIMITS",
    "REGION_KEYS",
    "RELEASES_DIR",
    "UPDATE_TASK",
    "ContextError",
    "ForkHeld",
    "IdempotencyConflict",
    "Preview",
    "ReportRefused",
    "TemplateSyncError",
    "catalog_record",
    "contexts",
    "evaluation_from_reports",
    "fleet",
    "fleet_notify_new_version",
    "fleet_version_published",
    "fork_archive_filename",
    "fork_cancel",
    "fork_context",
    "fork_fail_unexpectedly",
    "fork_manifest",
    "fork_metadata",
    "fork_permission_message",
    "fork_preview",
    "fork_record_in_catalog",
    "fork_request",
    "fork_retry",
    "fork_run",
    "fork_sweep",
    "forks",
    "patches",
    "preview",
    "region_defaults",
    "reporting_key_authenticate",
    "reporting_key_create",
    "reporting_key_revoke",
    "request_fingerprint",
    "results",
    "runs",
    "service_report_submit",
    "template_dir_of",
    "template_sync",
    "update_fail_unexpectedly",
    "update_mark_applied",
    "update_metadata",
    "update_permission_message",
    "update_request",
    "update_run",
    "updates",
    "version_compare",
    "versions",
]
