"""Rendering a fork: what the Celery task `render_fork` calls, and nothing it decides itself.

Safe to run more than once and concurrently: a compare-and-set claim lets one delivery render, a lease
(`leases.LeaseKeeper`) tells a redelivery whether the holder is alive, and only the delivery holding the
latest claim can mark the fork succeeded.
"""

import dataclasses
import json
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import leases, rendering, selectors
from ..choices import ForkStatus, RunOutcome
from ..models import Fork, Template, TemplateVersion
from .catalog_record import fork_record_in_catalog
from .forks import log_line
from .tools import tool_files
from .versions import template_dir_of

logger = logging.getLogger(__name__)


class ForkHeld(Exception):
    """Another delivery holds the fork's lease; `retry_in` seconds from now it will have run out unless
    that delivery's worker is alive and renewing it."""

    def __init__(self, retry_in: float) -> None:
        super().__init__(retry_in)
        self.retry_in = retry_in


def _claim_message(*, slug: str, version) -> str:
    return _("Rendering template %(slug)s v%(version)s.") % {"slug": slug, "version": version}


def _claim(fork: Fork) -> bool:
    return leases.claim(fork, message=_claim_message(slug=fork.template.slug, version=fork.version.number))


# Stand-ins for the template's slug and the version's number in the claim's log line, which PostgreSQL
# fills in from the rows it joins (private-use characters: no slug or number contains them).
_SLUG, _NUMBER = "\ue000", "\ue001"


def _claim_by_id(fork_id) -> Fork | None:
    """The claim and the read in one statement (PostgreSQL): the fork, if it is queued or running on a
    lease that ran out, is taken for this delivery (`leases.claim`'s changes: running, a new lease, the
    start, one more attempt, the first log line) and returned with its template and version; None when
    nothing was claimed (no such fork, finished, cancelled, or another delivery holds it).

    One UPDATE with its condition on the row's current state: of two concurrent deliveries, PostgreSQL
    lets the second re-check the condition on the row the first left, so only one matches.
    """
    now = timezone.now()
    fork_table, template_table = Fork._meta.db_table, Template._meta.db_table
    version_table = TemplateVersion._meta.db_table
    returning = ", ".join(
        [
            *selectors.prefixed_columns(Fork, "f", "f_"),
            *selectors.prefixed_columns(Template, "t", "t_"),
            *selectors.prefixed_columns(TemplateVersion, "v", "v_"),
        ]
    )
    sql = f"""
        UPDATE "{fork_table}" AS f
        SET status = %s, lease_expires_at = %s, started_at = %s, attempts = f.attempts + 1, progress = %s,
            error = '', log = f.log || jsonb_build_array(replace(replace(%s, %s, t.slug), %s, v.number::text))
        FROM "{template_table}" AS t, "{version_table}" AS v
        WHERE f.id = %s AND t.id = f.template_id AND v.id = f.version_id
          AND (f.status = %s OR (f.status = %s AND f.lease_expires_at < %s))
        RETURNING {returning}
    """  # noqa: S608 (names from the models' metadata, values as parameters)
    line = leases.log_line(_claim_message(slug=_SLUG, version=_NUMBER))
    params = [
        ForkStatus.RUNNING, leases.lease_expiry(now), now, leases.CLAIM_PROGRESS,
        line, _SLUG, _NUMBER,
        fork_id, ForkStatus.QUEUED, ForkStatus.RUNNING, now,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
        if found is None:
            return None
        row = dict(zip([column[0] for column in cursor.description], found, strict=True))
    fork = selectors.instance_from_row(Fork, row, "f_")
    fork.template = selectors.instance_from_row(Template, row, "t_")
    fork.version = selectors.instance_from_row(TemplateVersion, row, "v_")
    return fork


def _claim_fork(fork_id) -> tuple[Fork | None, bool]:
    """The fork and whether this delivery claimed it. On PostgreSQL a claim is one round trip (the read
    comes back from the UPDATE); the fork is read only when the claim found nothing to take, to tell why.
    Elsewhere (SQLite, in process: no round trips to save), the read and then the compare-and-set."""
    if connection.vendor == "postgresql":
        fork = _claim_by_id(fork_id)
        if fork is not None:
            return fork, True
        return selectors.fork_for_render(fork_id=fork_id), False
    fork = selectors.fork_for_render(fork_id=fork_id)
    return fork, fork is not None and _claim(fork)


def _limits() -> rendering.RenderLimits:
    return rendering.RenderLimits(
        max_files=settings.LUMBUNG_FORK_MAX_FILES,
        max_bytes=settings.LUMBUNG_FORK_MAX_BYTES,
        max_seconds=settings.LUMBUNG_FORK_MAX_SECONDS,
    )


def fork_metadata(fork: Fork) -> dict:
    """What `.lumbung.json` holds: enough to render the same copy again later."""
    return {
        **fork.manifest,
        "context": fork.context,
        "fork_id": str(fork.pk),
        "created_at": fork.created_at.isoformat(),
    }


def fork_run(*, fork_id) -> RunOutcome:
    """Render a fork, then record it in the catalog. Safe to call more than once and concurrently: only one
    delivery renders, and only the delivery holding the latest claim can mark the fork succeeded."""
    fork, claimed = _claim_fork(fork_id)
    if fork is None:
        return RunOutcome.SKIPPED
    if not claimed:
        now = timezone.now()
        if fork.status == ForkStatus.RUNNING and fork.lease_expires_at and fork.lease_expires_at >= now:
            # Another delivery holds it, alive or not: look again once its lease would have run out.
            raise ForkHeld((fork.lease_expires_at - now).total_seconds() + 1)
        return RunOutcome.SKIPPED
    fork.version.template = fork.template  # the same row, already loaded
    try:
        with leases.LeaseKeeper(fork.pk, fork.attempts) as lease:
            template_dir = template_dir_of(fork.version)
            limits = dataclasses.replace(_limits(), should_stop=lease.is_lost)
            metadata = fork_metadata(fork)
            extra_files = {".lumbung.json": json.dumps(metadata, indent=2, ensure_ascii=False).encode()}
            # Rendered and zipped in memory: the archive reaches the disk once, in the storage.
            archive = rendering.render_archive(
                template_dir, fork.context, limits=limits, extra_files={**extra_files, **tool_files(metadata)}
            )
            rendered = log_line(
                _("Rendered %(count)d files; packing the archive.") % {"count": len(archive.files)}
            )
            outcome = _finish_success(fork, archive.data, archive.info, log=[*fork.log, rendered])
    except rendering.RenderCancelled:
        logger.warning("Fork %s: this delivery lost its lease; its render was stopped.", fork.pk)
        return RunOutcome.DISCARDED
    except rendering.RenderLimitExceeded as exc:
        return _finish_failure(fork, _("A limit was exceeded: %(reason)s") % {"reason": exc})
    except (rendering.RenderError, rendering.TemplateDefinitionError) as exc:
        return _finish_failure(fork, _("The template could not be rendered: %(reason)s") % {"reason": exc})
    if outcome == RunOutcome.SUCCEEDED:
        fork_record_in_catalog(fork_id=fork.pk)
    return outcome


def _finish_success(fork: Fork, data: bytes, info: rendering.ArchiveInfo, *, log: list[str]) -> RunOutcome:
    """Store the archive, then mark the fork succeeded in one statement, if this delivery still holds it.

    The archive's name carries the attempt, so a delivery that lost the fork (cancelled while rendering,
    or taken over after its lease ran out) removes only its own file.
    """
    fork.archive.save(f"{fork.pk}-{fork.attempts}.zip", ContentFile(data), save=False)
    done = _("Done: %(count)d files, %(size)d bytes.") % {"count": info.file_count, "size": info.size}
    try:
        finished = Fork.objects.filter(pk=fork.pk, status=ForkStatus.RUNNING, attempts=fork.attempts).update(
            status=ForkStatus.SUCCEEDED, progress=100, finished_at=timezone.now(), lease_expires_at=None,
            archive=fork.archive.name, archive_size=info.size, archive_sha256=info.sha256,
            file_count=info.file_count, log=[*log, log_line(done)],
        )  # fmt: skip
    except Exception:
        fork.archive.delete(save=False)  # the next delivery stores its own
        raise
    if not finished:
        fork.archive.delete(save=False)
        return RunOutcome.DISCARDED
    return RunOutcome.SUCCEEDED


def _finish_failure(fork: Fork, reason: str) -> RunOutcome:
    Fork.objects.filter(pk=fork.pk, status=ForkStatus.RUNNING, attempts=fork.attempts).update(
        status=ForkStatus.FAILED, error=reason, finished_at=timezone.now(), lease_expires_at=None,
        log=[*fork.log, log_line(reason)],
    )  # fmt: skip
    logger.warning("Fork %s failed: %s", fork.pk, reason)
    return RunOutcome.FAILED


def fork_fail_unexpectedly(*, fork_id, reason: str) -> None:
    """Called by the task when something outside the renderer broke (e.g. the time limit)."""
    fork = Fork.objects.filter(pk=fork_id).first()
    if fork is not None:
        _finish_failure(fork, reason)
