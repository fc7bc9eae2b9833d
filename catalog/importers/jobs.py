"""Background imports: a large upload is stored and imported by a Celery worker (catalog.tasks).

The request only runs read_upload's checks (no parsing), stores the bytes under a generated name and
creates an ImportJob; the worker parses, checks and writes exactly as a synchronous import does, and
keeps the job's progress and, at the end, its report, which the job's page shows.
"""

import datetime
import logging
import uuid

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.queueing import enqueue_on_commit
from registry.models import Region

from ..choices import ImportJobStatus
from ..models import ImportJob
from .limits import Limits, import_limits
from .reading import Upload, read_upload
from .report import ImportFileError, ImportReport
from .service import apps_import_upload

logger = logging.getLogger(__name__)


def import_runs_in_background(upload: Upload, limits: Limits | None = None) -> bool:
    """Whether an upload is large enough to be imported by a worker rather than during the request."""
    limits = limits or import_limits()
    return upload.estimated_rows > limits.background_rows or len(upload.data) > limits.background_bytes


def import_job_create(
    *, region: Region, upload: Upload, created_by=None, dry_run: bool = False, language: str = ""
) -> ImportJob:
    """Store the upload and queue its import once the job is committed."""
    job = ImportJob(
        region=region,
        created_by=created_by,
        filename=upload.filename[:255],
        size=len(upload.data),
        estimated_rows=upload.estimated_rows,
        dry_run=dry_run,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
        queued_at=timezone.now(),
    )
    # Never the uploader's file name: a generated one, with the type found in the content.
    job.file.save(f"{uuid.uuid4().hex}.{upload.kind}", ContentFile(upload.data), save=False)
    try:
        job.full_clean(exclude=["file"])
        with transaction.atomic():
            job.save()
            _enqueue_on_commit(job.pk)
    except Exception:
        job.file.delete(save=False)
        raise
    return job


def _enqueue_on_commit(job_id) -> None:
    from ..tasks import run_import_job

    # Its own time limit: a file at the row limit takes longer than the default task's 15 minutes. A broker
    # that is down only delays the job: the sweeper sends it again.
    limit = settings.LUMBUNG_IMPORT_TIME_LIMIT_SECONDS
    enqueue_on_commit(run_import_job, str(job_id), time_limit=limit, soft_time_limit=limit - 60)


def import_job_sweep(*, now: datetime.datetime | None = None) -> int:
    """Queue again the jobs a lost task left undone; returns how many.

    A job still queued a while after it was sent (the broker lost the message, or was down when the
    job was created), or running past its lease (its worker died). A duplicate delivery is harmless:
    only one claims the job.
    """
    now = now or timezone.now()
    grace = now - datetime.timedelta(seconds=settings.LUMBUNG_IMPORT_REQUEUE_AFTER_SECONDS)
    stale_queued = Q(status=ImportJobStatus.QUEUED, queued_at__lt=grace)
    lost_running = Q(status=ImportJobStatus.RUNNING, started_at__lt=now - _lease())
    ids = list(ImportJob.objects.filter(stale_queued | lost_running).values_list("pk", flat=True)[:100])
    for job_id in ids:
        ImportJob.objects.filter(pk=job_id).update(queued_at=now)
        _enqueue_on_commit(job_id)
    return len(ids)


def import_job_run(*, job_id) -> str:
    """Import a job's file. A second delivery of a finished or running job does nothing."""
    job = ImportJob.objects.select_related("region", "created_by").filter(pk=job_id).first()
    if job is None or not _claim(job):
        return "skipped"
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            report = _import(job)
        except SoftTimeLimitExceeded:
            raise  # the task reports it, on a fresh connection
        except Exception:
            logger.exception("Import job %s failed unexpectedly", job.pk)
            report = ImportReport(
                region=job.region,
                dry_run=job.dry_run,
                file_errors=[_("The import stopped unexpectedly; nothing was saved.")],
            )
        return _finish(job, report)


def import_job_fail(*, job_id, reason: str) -> None:
    """Mark a job that cannot go on (its time limit ran out) failed; the write was rolled back."""
    job = ImportJob.objects.select_related("region").filter(pk=job_id).first()
    if job is not None and not job.finished:
        _finish(job, ImportReport(region=job.region, dry_run=job.dry_run, file_errors=[reason]))


def _import(job: ImportJob) -> ImportReport:
    try:
        with job.file.open("rb") as handle:
            upload = read_upload(handle, filename=job.filename)
    except ImportFileError as exc:
        return ImportReport(region=job.region, dry_run=job.dry_run, file_errors=exc.messages)
    _progress(job, 5)
    return apps_import_upload(
        region=job.region,
        upload=upload,
        created_by=job.created_by,
        dry_run=job.dry_run,
        progress=lambda percent: _progress(job, 5 + percent * 90 // 100),
    )


def _lease() -> datetime.timedelta:
    # Longer than the task's hard time limit: a live worker is stopped by its limit before another
    # delivery may take the job over.
    return datetime.timedelta(seconds=settings.LUMBUNG_IMPORT_TIME_LIMIT_SECONDS + 60)


def _claim(job: ImportJob) -> bool:
    """Take the job as just read: a queued one, or a running one whose worker died (compare-and-set)."""
    now = timezone.now()
    if job.status == ImportJobStatus.QUEUED:
        unchanged = {"status": ImportJobStatus.QUEUED}
    elif job.status == ImportJobStatus.RUNNING and job.started_at and job.started_at < now - _lease():
        unchanged = {"status": ImportJobStatus.RUNNING, "started_at": job.started_at}
    else:
        return False
    changes = {
        "status": ImportJobStatus.RUNNING,
        "started_at": now,
        "attempts": job.attempts + 1,
        "progress": 1,
    }
    if not ImportJob.objects.filter(pk=job.pk, attempts=job.attempts, **unchanged).update(**changes):
        return False
    for name, value in changes.items():
        setattr(job, name, value)
    return True


def _progress(job: ImportJob, percent: int) -> None:
    ImportJob.objects.filter(pk=job.pk, attempts=job.attempts, status=ImportJobStatus.RUNNING).update(
        progress=min(percent, 99)
    )


def _finish(job: ImportJob, report: ImportReport) -> str:
    status = ImportJobStatus.SUCCEEDED if report.ok else ImportJobStatus.FAILED
    ImportJob.objects.filter(pk=job.pk, attempts=job.attempts).update(
        status=status, progress=100, report=report.to_json(), finished_at=timezone.now()
    )
    # The rows are in the report or in the catalog now: the upload itself is not kept.
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
    return status


def import_job_for(*, user, job_id) -> ImportJob | None:
    """The job, if `user` may see it: the one who started it, or a superuser."""
    jobs = ImportJob.objects.select_related("region", "created_by")
    if not user.is_superuser:
        jobs = jobs.filter(created_by=user)
    return jobs.filter(pk=job_id).first()
