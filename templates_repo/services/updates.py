"""Updating a copy to a newer version of its template: the request, the job the worker runs, and the
region saying it applied the patch.

An update renders the copy's version with the copy's context and the target version with the same
context (plus values for the parameters the target adds), each with the `.lumbung.json` the copy has or
will have, and writes the patch between them (`patches.make_patch`). It runs on the fork pipeline: the
same sandbox and limits, the same claim and lease (`leases`), the same sweeper, an Idempotency-Key.
"""

import dataclasses
import hashlib
import json
import logging
import tempfile
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.celery_app import app as celery_app
from config.queueing import enqueue_on_commit
from registry import permissions

from .. import leases, rendering, selectors
from ..choices import ForkStatus, RunOutcome
from ..models import Fork, TemplateUpdate, TemplateVersion
from . import patches
from .forks import UPDATE_TASK, IdempotencyConflict
from .runs import ForkHeld, _limits, fork_metadata
from .tools import TOOLS, tool_files
from .versions import template_dir_of

logger = logging.getLogger(__name__)

METADATA_NAME = ".lumbung.json"


def update_permission_message() -> str:
    return _("Only the region's developers, editors and administrators can update its copy.")


def _base_of(fork: Fork, number: int | None) -> tuple[TemplateVersion, dict, dict]:
    """The version the copy is at (`number`, or what Lumbung knows), with the context it was rendered
    with and the `.lumbung.json` it holds: the copy's own, or those of the update that brought it there."""
    current = fork.current_version or fork.version
    number = current.number if number is None else number
    if number == fork.version.number:
        return fork.version, fork.context, fork_metadata(fork)
    previous = (
        TemplateUpdate.objects.filter(fork=fork, status=ForkStatus.SUCCEEDED, to_version__number=number)
        .select_related("to_version")
        .order_by("-created_at")
        .first()
    )
    if previous is None:
        raise ValidationError(
            {
                "from_version": _("Lumbung prepared no update of this copy to version %(number)d.")
                % {"number": number}
            }
        )
    return previous.to_version, previous.context, update_metadata(previous)


def update_metadata(update: TemplateUpdate) -> dict:
    """The `.lumbung.json` a copy holds once `update` is applied: the target version and its context."""
    fork = update.fork
    return {
        **fork.manifest,
        "lumbung_url": fork.manifest.get("lumbung_url", ""),
        "tools": sorted(TOOLS),
        "version": update.to_version.number,
        "content_hash": update.to_version.content_hash,
        "context": update.context,
        "fork_id": str(fork.pk),
        "created_at": fork.created_at.isoformat(),
        "update_id": str(update.pk),
    }


def target_context(
    *, base: TemplateVersion, target: TemplateVersion, base_context: Mapping, values: Mapping
) -> dict:
    """The copy's context for `target`: its values for the parameters both versions have, `values` for
    those the target adds (only those; required when the target gives no default), the target's
    defaults otherwise; validated as a fork's context is. ValidationError names the parameters."""
    try:
        rendering.check_mapping(values)
    except ValidationError as exc:
        raise ValidationError({"values": exc.messages}) from exc
    schema = selectors.version_schema(target)
    before = {parameter["name"] for parameter in base.parameters}
    added = {parameter.name: parameter for parameter in schema if parameter.name not in before}
    errors = {
        str(name)[:100]: [_("Only parameters this version adds take a value here.")]
        for name in values
        if name not in added
    }
    errors.update(
        {
            name: [_("This version adds this parameter without a default: give its value.")]
            for name, parameter in added.items()
            if parameter.default in ("", None) and name not in values
        }
    )
    if errors:
        raise ValidationError(errors)
    known = {parameter.name for parameter in schema}
    kept = {name: value for name, value in base_context.items() if name in known and name not in added}
    try:
        return rendering.validate_context(schema, {**kept, **values})
    except ValidationError as exc:
        raise ValidationError(exc.error_dict) from exc


def _changelog_between(base: TemplateVersion, target: TemplateVersion) -> str:
    versions = target.template.versions.filter(number__gt=base.number, number__lte=target.number)
    return "\n\n".join(
        f"## {_('Version')} {version.number}\n\n{version.changelog}".strip()
        for version in versions.order_by("-number")
    )


def update_request(
    *,
    user,
    fork: Fork,
    to_number: int | None = None,
    from_number: int | None = None,
    values: Mapping | None = None,
    idempotency_key: str | None = None,
) -> tuple[TemplateUpdate, bool]:
    """Queue the update of `fork` from the version it is at (`from_number`, or what Lumbung knows) to
    `to_number` (the newest by default); returns the update and whether it is new."""
    if not permissions.may(user, permissions.Action.ADOPT, [fork.region_id]):
        raise PermissionDenied(update_permission_message())
    values = dict(values or {})
    fingerprint = hashlib.sha256(
        json.dumps([str(fork.pk), to_number, from_number, values], sort_keys=True, default=str).encode()
    ).hexdigest()
    if idempotency_key:
        existing = TemplateUpdate.objects.filter(requested_by=user, idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.request_fingerprint != fingerprint:
                raise IdempotencyConflict
            return existing, False
    if fork.status != ForkStatus.SUCCEEDED:
        raise ValidationError({"fork": _("Only a copy that was rendered can be updated.")})
    base, base_context, _metadata = _base_of(fork, from_number)
    target = selectors.template_version_get(template_slug=fork.template.slug, number=to_number)
    if target is None:
        raise ValidationError({"to_version": _("This template has no such version.")})
    if target.number <= base.number:
        raise ValidationError(
            {
                "to_version": _("The copy is at version %(base)d already; choose a newer version.")
                % {"base": base.number}
            }
        )
    context = target_context(base=base, target=target, base_context=base_context, values=values)

    def create() -> TemplateUpdate:
        update = TemplateUpdate.objects.create(
            fork=fork, from_version=base, to_version=target, from_context=base_context, context=context,
            requested_by=user, changelog=_changelog_between(base, target),
            idempotency_key=idempotency_key or None, request_fingerprint=fingerprint,
            queued_at=timezone.now(),
            log=[leases.log_line(_("Queued: from v%(base)d to v%(target)d.") % {
                "base": base.number, "target": target.number})],
        )  # fmt: skip
        enqueue_on_commit(celery_app.signature(UPDATE_TASK), str(update.pk))
        return update

    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        if not idempotency_key:
            raise
        existing = TemplateUpdate.objects.get(requested_by=user, idempotency_key=idempotency_key)
        if existing.request_fingerprint != fingerprint:
            raise IdempotencyConflict from None
        return existing, False


def _render(version: TemplateVersion, context: dict, metadata: dict, out: Path, limits) -> Path:
    files = {
        METADATA_NAME: json.dumps(metadata, indent=2, ensure_ascii=False).encode(),
        **tool_files(metadata),
    }
    return patches.render_tree(template_dir_of(version), context, out, extra_files=files, limits=limits)


def update_run(*, update_id) -> RunOutcome:
    """Render both versions and write the patch. Safe to call more than once and concurrently, as a
    fork's render is."""
    update = (
        TemplateUpdate.objects.select_related("fork", "from_version__template", "to_version__template")
        .filter(pk=update_id)
        .first()
    )
    if update is None:
        return RunOutcome.SKIPPED
    message = _("Rendering v%(base)d and v%(target)d.") % {
        "base": update.from_version.number,
        "target": update.to_version.number,
    }
    if not leases.claim(update, message=message):
        now = timezone.now()
        if update.status == ForkStatus.RUNNING and update.lease_expires_at and update.lease_expires_at >= now:
            raise ForkHeld((update.lease_expires_at - now).total_seconds() + 1)
        return RunOutcome.SKIPPED
    fork = update.fork
    try:
        with (
            leases.LeaseKeeper(update.pk, update.attempts, model=TemplateUpdate) as lease,
            tempfile.TemporaryDirectory(prefix=f"lumbung-update-{update.pk}-") as tmp,
        ):
            workdir = Path(tmp)
            limits = dataclasses.replace(_limits(), should_stop=lease.is_lost)
            _base, _context, base_metadata = _base_of(fork, update.from_version.number)
            old = _render(update.from_version, update.from_context, base_metadata, workdir / "old", limits)
            new = _render(update.to_version, update.context, update_metadata(update), workdir / "new", limits)
            patch = patches.make_patch(
                old, new, workdir=workdir / "git",
                subject=f"{fork.template.slug}: v{update.from_version.number} -> v{update.to_version.number}",
                body=update.changelog, date=update.created_at.isoformat(),
            )  # fmt: skip
            if len(patch.text) > _limits().max_bytes:
                raise rendering.RenderLimitExceeded(
                    _("the patch is larger than %(max)d bytes") % {"max": _limits().max_bytes}
                )
            return _finish_success(update, patch)
    except rendering.RenderCancelled:
        logger.warning("Update %s: this delivery lost its lease; its render was stopped.", update.pk)
        return RunOutcome.DISCARDED
    except rendering.RenderLimitExceeded as exc:
        return _finish_failure(update, _("A limit was exceeded: %(reason)s") % {"reason": exc})
    except (rendering.RenderError, rendering.TemplateDefinitionError, patches.PatchError) as exc:
        return _finish_failure(update, _("The update could not be prepared: %(reason)s") % {"reason": exc})


def _finish_success(update: TemplateUpdate, patch: patches.Patch) -> RunOutcome:
    update.patch.save(f"{update.pk}-{update.attempts}.patch", ContentFile(patch.text), save=False)
    done = _("Done: %(count)d files changed.") % {"count": len(patch.files)}
    finished = TemplateUpdate.objects.filter(
        pk=update.pk, status=ForkStatus.RUNNING, attempts=update.attempts
    ).update(
        status=ForkStatus.SUCCEEDED, progress=100, finished_at=timezone.now(), lease_expires_at=None,
        patch=update.patch.name, patch_size=len(patch.text),
        patch_sha256=hashlib.sha256(patch.text).hexdigest(),
        files=[change.as_json() for change in patch.files], log=[*update.log, leases.log_line(done)],
    )  # fmt: skip
    if not finished:
        update.patch.delete(save=False)
        return RunOutcome.DISCARDED
    return RunOutcome.SUCCEEDED


def _finish_failure(update: TemplateUpdate, reason: str) -> RunOutcome:
    TemplateUpdate.objects.filter(pk=update.pk, status=ForkStatus.RUNNING, attempts=update.attempts).update(
        status=ForkStatus.FAILED, error=reason, finished_at=timezone.now(), lease_expires_at=None,
        log=[*update.log, leases.log_line(reason)],
    )  # fmt: skip
    logger.warning("Update %s failed: %s", update.pk, reason)
    return RunOutcome.FAILED


@transaction.atomic
def update_mark_applied(*, update: TemplateUpdate, user) -> TemplateUpdate:
    """The region applied the patch: its copy is at the target version now (the next update starts there)."""
    if not permissions.may(user, permissions.Action.ADOPT, [update.fork.region_id]):
        raise PermissionDenied(update_permission_message())
    if update.status != ForkStatus.SUCCEEDED:
        raise ValidationError({"status": _("Only a prepared update can be applied.")})
    now = timezone.now()
    TemplateUpdate.objects.filter(pk=update.pk, applied_at__isnull=True).update(applied_at=now)
    Fork.objects.filter(pk=update.fork_id).update(current_version=update.to_version)
    update.refresh_from_db()
    return update


def update_fail_unexpectedly(*, update_id, reason: str) -> None:
    TemplateUpdate.objects.filter(pk=update_id).exclude(
        status__in=(ForkStatus.SUCCEEDED, ForkStatus.CANCELLED)
    ).update(status=ForkStatus.FAILED, error=reason, finished_at=timezone.now(), lease_expires_at=None)
