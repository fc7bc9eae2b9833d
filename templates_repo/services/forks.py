"""Forks on a developer's path: the request, cancel, retry, and the sweeper that finishes what a lost
task left undone.

A fork goes queued -> running -> succeeded | failed, or cancelled. The render itself is in `runs.py`,
which the Celery task calls; it is queued here by the task's name (`RENDER_TASK`), so that this module
never imports the tasks that import it.
"""

import contextlib
import datetime
import hashlib
import json
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import App
from config.celery_app import app as celery_app
from config.queueing import enqueue_on_commit
from registry.models import Region
from replication import services as replication_services
from replication.models import Replication

from .. import selectors
from ..choices import FINISHED_STATUSES, ForkStatus
from ..leases import log_line
from ..models import Fork, Template, TemplateUpdate, TemplateVersion
from .catalog_record import fork_record_in_catalog
from .contexts import fork_context
from .tools import TOOLS

RENDER_TASK = "templates_repo.tasks.render_fork"
UPDATE_TASK = "templates_repo.tasks.render_update"


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was sent before with another request body."""


def fork_permission_message() -> str:
    return _("Only the region's developers, editors and administrators can fork for it.")


def request_fingerprint(*, template: str, version, region: str, context) -> str:
    body = json.dumps(
        {"template": template, "version": version, "region": region, "context": context},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _enqueue_on_commit(fork_id) -> None:
    # The fork is saved whatever the broker does: one that cannot be queued now is queued by the sweeper.
    enqueue_on_commit(celery_app.signature(RENDER_TASK), str(fork_id))


def fork_manifest(*, version: TemplateVersion, region: Region) -> dict:
    """Where a fork comes from, fixed when it is requested. `version` comes from
    `selectors.fork_version_get`, with its template, mentor and app slug."""
    mentor = version.template.mentor_region
    return {
        "lumbung_url": settings.LUMBUNG_SITE_URL,
        "tools": sorted(TOOLS),
        "template": version.template.slug,
        "version": version.number,
        "content_hash": version.content_hash,
        "region": {"code": region.code, "name": region.name},
        "mentor_region": {"code": mentor.code, "name": mentor.name},
        "app": version.app_slug,
    }


def fork_archive_filename(fork: Fork) -> str:
    return f"{fork.context.get('project_slug', fork.template.slug)}.zip"


def _replication_for(*, user, template: Template, region: Region) -> Replication | None:
    """The replication the fork belongs to: the region's open replication of the template's app, or an
    independent (mandiri) one opened now; none for a template of no catalog app, or for the app's own
    region."""
    if template.app_id is None:
        return None
    app = App.objects.only("pk", "slug", "owner_region_id").get(pk=template.app_id)
    return replication_services.replication_for_fork(user=user, app=app, region=region)


def _atomic_if(needed: bool):
    return transaction.atomic() if needed else contextlib.nullcontext()


def fork_request(
    *,
    user,
    template_slug: str,
    region_code: str,
    context: Mapping,
    version_number: int | None = None,
    idempotency_key: str | None = None,
) -> tuple[Fork, bool]:
    """Queue a fork of the template `template_slug` (its newest version unless `version_number` says
    otherwise) for the region `region_code`; returns the fork and whether it is new.

    The same Idempotency-Key with the same request returns the first fork; with another request body it
    raises IdempotencyConflict. The task is queued after commit; a broker outage at that moment only
    delays it: the sweeper re-queues forks left queued.
    """
    # This is the path a developer waits on: the region with the permission check, then the version with
    # its template, mentor, app owner and the region's open replication of the app, one query each.
    region = selectors.fork_region_get(code=region_code, user=user)
    if region is None:
        raise ValidationError(
            {"region": _("Unknown Kemendagri region code: %(code)s.") % {"code": region_code}}
        )
    if not region.user_may_fork:
        raise PermissionDenied(fork_permission_message())
    fingerprint = request_fingerprint(
        template=template_slug, version=version_number, region=region.code, context=context
    )
    if idempotency_key:
        existing = Fork.objects.filter(requested_by=user, idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.request_fingerprint != fingerprint:
                raise IdempotencyConflict
            return existing, False
    version = selectors.fork_version_get(
        template_slug=template_slug, number=version_number, region_code=region.code
    )
    if version is None:
        if not Template.objects.filter(slug=template_slug).exists():
            raise ValidationError({"template": _("There is no template with this name.")})
        raise ValidationError({"version": _("This template has no such version.")})
    template = version.template
    full_context = fork_context(version=version, region=region, requested=context)
    # The fork belongs to the region's open replication of the template's app (found by the version's
    # query); only when there is none is one opened, and then with the fork or not at all.
    linked = template.app_id is not None and region.code != version.app_owner_id
    opens_replication = linked and version.open_replication_id is None

    def create() -> Fork:
        if opens_replication:
            replication = _replication_for(user=user, template=template, region=region)
            replication_id = replication.pk if replication is not None else None
        else:
            replication_id = version.open_replication_id if linked else None
        fork = Fork.objects.create(
            replication_id=replication_id,
            template=template,
            version=version,
            region=region,
            requested_by=user,
            context=full_context,
            manifest=fork_manifest(version=version, region=region),
            idempotency_key=idempotency_key or None,
            request_fingerprint=fingerprint,
            queued_at=timezone.now(),
            log=[log_line(_("Queued: %(template)s v%(version)s for %(region)s.") % {
                "template": template.slug, "version": version.number, "region": region.name})],
        )  # fmt: skip
        _enqueue_on_commit(fork.pk)
        return fork

    # A transaction only where one is needed: the replication it opens and the fork, both or neither; a
    # savepoint for the INSERT that may fail on the key inside a caller's transaction. Otherwise the fork
    # is one INSERT (no BEGIN and COMMIT on the developer's path) and the task is queued once it is saved.
    if not idempotency_key:
        with _atomic_if(opens_replication):
            return create(), True
    try:
        with _atomic_if(opens_replication or transaction.get_connection().in_atomic_block):
            fork = create()
    except IntegrityError:
        # A concurrent request with the same key won the race.
        existing = Fork.objects.get(requested_by=user, idempotency_key=idempotency_key)
        if existing.request_fingerprint != fingerprint:
            raise IdempotencyConflict from None
        return existing, False
    return fork, True


@transaction.atomic
def fork_cancel(*, fork: Fork) -> Fork:
    if fork.status in FINISHED_STATUSES:
        raise ValidationError({"status": _("This fork has already finished.")})
    Fork.objects.filter(pk=fork.pk).exclude(status__in=FINISHED_STATUSES).update(
        status=ForkStatus.CANCELLED, finished_at=timezone.now(), lease_expires_at=None,
        log=[*fork.log, log_line(_("Cancelled."))],
    )  # fmt: skip
    fork.refresh_from_db()
    return fork


@transaction.atomic
def fork_retry(*, fork: Fork) -> Fork:
    if fork.status != ForkStatus.FAILED:
        raise ValidationError({"status": _("Only a failed fork can be retried.")})
    Fork.objects.filter(pk=fork.pk, status=ForkStatus.FAILED).update(
        status=ForkStatus.QUEUED, error="", progress=0, queued_at=timezone.now(), finished_at=None,
        log=[*fork.log, log_line(_("Queued again."))],
    )  # fmt: skip
    _enqueue_on_commit(fork.pk)
    fork.refresh_from_db()
    return fork


def fork_sweep(*, now: datetime.datetime | None = None) -> int:
    """Finish what a lost task left undone; returns how many forks it acted on.

    Forks left queued too long or running past their lease are queued again; succeeded forks whose
    worker died before recording them in the catalog are recorded now.
    """
    now = now or timezone.now()
    grace = now - datetime.timedelta(seconds=settings.LUMBUNG_FORK_REQUEUE_AFTER_SECONDS)
    stale_queued = Q(status=ForkStatus.QUEUED, queued_at__lt=grace)
    lost_running = Q(status=ForkStatus.RUNNING, lease_expires_at__lt=now)
    ids = list(Fork.objects.filter(stale_queued | lost_running).values_list("pk", flat=True)[:500])
    for fork_id in ids:
        Fork.objects.filter(pk=fork_id, status=ForkStatus.QUEUED).update(queued_at=now)
        _enqueue_on_commit(fork_id)
    unrecorded = Fork.objects.filter(
        status=ForkStatus.SUCCEEDED, catalog_recorded_at__isnull=True, finished_at__lt=grace
    ).values_list("pk", flat=True)[:500]
    recorded = sum(fork_record_in_catalog(fork_id=fork_id) for fork_id in list(unrecorded))
    return len(ids) + recorded + _sweep_updates(now=now, grace=grace)


def _sweep_updates(*, now: datetime.datetime, grace: datetime.datetime) -> int:
    """Updates of copies run on the same pipeline: those left queued or held by a dead worker go again."""
    stale_queued = Q(status=ForkStatus.QUEUED, queued_at__lt=grace)
    lost_running = Q(status=ForkStatus.RUNNING, lease_expires_at__lt=now)
    ids = list(TemplateUpdate.objects.filter(stale_queued | lost_running).values_list("pk", flat=True)[:500])
    for update_id in ids:
        TemplateUpdate.objects.filter(pk=update_id, status=ForkStatus.QUEUED).update(queued_at=now)
        enqueue_on_commit(celery_app.signature(UPDATE_TASK), str(update_id))
    return len(ids)
