"""Celery tasks of the catalog: they take ids and call services, nothing else."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connections
from django.utils.translation import gettext as _

from .choices import ImportJobStatus
from .importers import jobs


# No result stored: the job row holds the outcome and the report.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_import_job(job_id: str) -> str:
    """Import one background ImportJob. A second delivery of a started or finished job does nothing."""
    try:
        return jobs.import_job_run(job_id=job_id)
    except SoftTimeLimitExceeded:
        connections.close_all()  # the time limit may have interrupted a query: start afresh
        jobs.import_job_fail(
            job_id=job_id, reason=_("The import took longer than the time limit; nothing was saved.")
        )
        return ImportJobStatus.FAILED


@shared_task
def sweep_import_jobs() -> int:
    """Every minute: queue again the imports a lost message or a dead worker left undone."""
    return jobs.import_job_sweep()
