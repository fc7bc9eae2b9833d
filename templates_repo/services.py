"""Writes of the template library: registering template versions and the fork pipeline.

A fork goes queued -> running -> succeeded | failed, or cancelled. The Celery task only calls
`fork_run`; everything that decides what happens lives here.
"""

import contextlib
import dataclasses
import datetime
import hashlib
import json
import logging
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import fields as dataclass_fields
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from catalog import services as catalog_services
from catalog.choices import AdoptionStage
from catalog.models import App
from config.queueing import enqueue_on_commit
from registry.choices import MoUStatus, RegionKind
from registry.models import Agency, MoU, MoUParty, Region

from . import leases, rendering, selectors
from .choices import FINISHED_STATUSES, ForkStatus
from .models import Fork, Template, TemplateVersion

logger = logging.getLogger(__name__)

COOKIECUTTERS_DIR = Path(__file__).resolve().parent / "cookiecutters"
METADATA_FILE = "lumbung.json"
# Values a fork takes from its region; a request may not say otherwise.
REGION_KEYS = ("region_name", "region_code", "province_name")
# ...and the mentor comes from the template.
LOCKED_KEYS = (*REGION_KEYS, "mentor_region_name")


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was sent before with another request body."""


# Template versions --------------------------------------------------------------------------------


def _snapshot_bytes(template_dir: Path) -> bytes:
    with tempfile.TemporaryDirectory(prefix="lumbung-snapshot-") as tmp:
        archive = Path(tmp) / "snapshot.zip"
        rendering.archive_directory(template_dir, archive)
        return archive.read_bytes()


@transaction.atomic
def template_sync(*, base_dir: Path = COOKIECUTTERS_DIR) -> list[str]:
    """Register every template folder, and a new version of each whose files changed. Idempotent.

    Old versions keep their stored snapshot, so forks of them can be rendered again later.
    """
    done = []
    for folder in sorted(path for path in base_dir.iterdir() if (path / "cookiecutter.json").is_file()):
        meta = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
        schema = rendering.load_schema(folder)
        content_hash = rendering.template_content_hash(folder)
        mentor_region = Region.objects.get(code=meta["mentor_region"])
        agency = (
            Agency.objects.filter(region=mentor_region, short_name=meta["mentor_agency"]).first()
            if meta.get("mentor_agency")
            else None
        )
        app = App.objects.filter(slug=meta.get("app") or "").first()
        template, _created = Template.objects.update_or_create(
            slug=folder.name,
            defaults={
                "name": meta["name"],
                "description": meta["description"],
                "category": meta["category"],
                "app": app,
                "mentor_region": mentor_region,
                "mentor_agency": agency,
            },
        )
        template.full_clean()
        version = template.versions.filter(content_hash=content_hash).first()
        if version is None:
            number = (template.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
            version = TemplateVersion(
                template=template,
                number=number,
                content_hash=content_hash,
                parameters=rendering.parameter_schema_json(schema),
                changelog=meta.get("changelog", ""),
            )
            version.snapshot.save(
                f"{folder.name}-v{number}-{content_hash[:12]}.zip",
                ContentFile(_snapshot_bytes(folder)),
                save=False,
            )
            version.full_clean()
            version.save()
            done.append(f"{folder.name} v{number} (new)")
        else:
            done.append(f"{folder.name} v{version.number}")
        if app is not None:
            catalog_services.app_set_has_template(app=app, has_template=True)
    return done


def latest_version(template: Template) -> TemplateVersion | None:
    return template.versions.order_by("-number").first()


def schema_of(version: TemplateVersion) -> list[rendering.Parameter]:
    names = {field.name for field in dataclass_fields(rendering.Parameter)}
    return [
        rendering.Parameter(
            **{key: tuple(value) if key == "choices" else value for key, value in item.items()}
        )
        for item in version.parameters
        if set(item) <= names
    ]


# Contexts -----------------------------------------------------------------------------------------


def _short_region_name(region: Region) -> str:
    name = re.sub(r"^(Kabupaten Administrasi|Kota Administrasi|Kabupaten|Kota|Provinsi)\s+", "", region.name)
    return slugify(name).replace("-", "_")


def region_defaults(*, template: Template, region: Region) -> dict:
    """The context values a fork takes from its region and the template's mentor."""
    province = region if region.kind == RegionKind.PROVINCE else region.province
    agencies = list(Agency.objects.filter(region=region).order_by("name").values_list("name", flat=True))
    slug = f"{template.slug.replace('-', '')}_{_short_region_name(region)}"[:40].rstrip("_")
    values = {
        "project_name": f"{template.name} {region.name}",
        "project_slug": slug,
        "region_name": region.name,
        "region_code": region.code,
        "province_name": province.name,
        "mentor_region_name": template.mentor_region.name,
    }
    if agencies:
        values["agencies"] = ";".join(agency.replace(";", ",") for agency in agencies)
    return values


def fork_context(*, version: TemplateVersion, region: Region, requested: Mapping) -> dict:
    """The full, validated context: region values, then the request's, then the template's defaults."""
    if not isinstance(requested, Mapping):
        raise ValidationError({"context": _("The context must be an object of parameter values.")})
    errors = {}
    fixed = region_defaults(template=version.template, region=region)
    for key in LOCKED_KEYS:
        if key in requested and str(requested[key]) != str(fixed[key]):
            source = _("the template's mentor") if key == "mentor_region_name" else _("the region")
            errors[key] = [_("This value comes from %(source)s and cannot be changed.") % {"source": source}]
    if errors:
        raise ValidationError(errors)
    schema = schema_of(version)
    names = {parameter.name for parameter in schema}
    derived = {key: value for key, value in fixed.items() if key in names}
    return rendering.validate_context(schema, {**derived, **requested})


# Forks --------------------------------------------------------------------------------------------


def fork_permission_message() -> str:
    return _("Only the region's developers, editors and administrators can fork for it.")


def user_can_fork(user, region: Region) -> bool:
    """Staff, or a developer, editor or admin member of the region (the rule is in
    `selectors.fork_region_get`, which the fork request uses directly)."""
    if not user.is_authenticated:
        return False
    return selectors.fork_region_get(code=region.code, user=user).user_may_fork


def request_fingerprint(*, template: str, version, region: str, context) -> str:
    body = json.dumps(
        {"template": template, "version": version, "region": region, "context": context},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _enqueue_on_commit(fork_id) -> None:
    from .tasks import render_fork

    # The fork is saved whatever the broker does: one that cannot be queued now is queued by the sweeper.
    enqueue_on_commit(render_fork, str(fork_id))


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
    # its template and mentor, one query each.
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
    version = selectors.template_version_get(template_slug=template_slug, number=version_number)
    if version is None:
        if not Template.objects.filter(slug=template_slug).exists():
            raise ValidationError({"template": _("There is no template with this name.")})
        raise ValidationError({"version": _("This template has no such version.")})
    template = version.template
    full_context = fork_context(version=version, region=region, requested=context)

    def create() -> Fork:
        fork = Fork.objects.create(
            template=template,
            version=version,
            region=region,
            requested_by=user,
            context=full_context,
            manifest=fork_manifest(version=version, region=region),
            idempotency_key=idempotency_key or None,
            request_fingerprint=fingerprint,
            queued_at=timezone.now(),
            log=[_log_line(_("Queued: %(template)s v%(version)s for %(region)s.") % {
                "template": template.slug, "version": version.number, "region": region.name})],
        )  # fmt: skip
        _enqueue_on_commit(fork.pk)
        return fork

    if not idempotency_key:
        return create(), True  # one INSERT: atomic on its own
    try:
        with transaction.atomic():
            fork = create()
    except IntegrityError:
        # A concurrent request with the same key won the race.
        existing = Fork.objects.get(requested_by=user, idempotency_key=idempotency_key)
        if existing.request_fingerprint != fingerprint:
            raise IdempotencyConflict from None
        return existing, False
    return fork, True


def _log_line(message: str) -> str:
    # In the site's time zone, like every other time a user sees (Asia/Jakarta).
    return f"{timezone.localtime().isoformat(timespec='seconds')} {message}"


class ForkHeld(Exception):
    """Another delivery holds the fork's lease; `retry_in` seconds from now it will have run out unless
    that delivery's worker is alive and renewing it."""

    def __init__(self, retry_in: float) -> None:
        super().__init__(retry_in)
        self.retry_in = retry_in


def _claim(fork: Fork) -> bool:
    """Take `fork`, as just read, for this delivery: a queued fork, or a running one whose lease ran out.

    A compare-and-set on the state that was read, so of two concurrent deliveries only one matches; the
    same statement records the start and the first log line, so a claim is one round trip.
    """
    now = timezone.now()
    if fork.status == ForkStatus.QUEUED:
        unchanged = {"status": ForkStatus.QUEUED}
    elif fork.status == ForkStatus.RUNNING and fork.lease_expires_at and fork.lease_expires_at < now:
        unchanged = {"status": ForkStatus.RUNNING, "lease_expires_at": fork.lease_expires_at}
    else:
        return False  # finished, cancelled, or another delivery holds it
    params = {"slug": fork.template.slug, "version": fork.version.number}
    changes = {
        "status": ForkStatus.RUNNING,
        "lease_expires_at": leases.lease_expiry(now),
        "started_at": now,
        "attempts": fork.attempts + 1,
        "progress": 30,
        "error": "",
        "log": [*fork.log, _log_line(_("Rendering template %(slug)s v%(version)s.") % params)],
    }
    if not Fork.objects.filter(pk=fork.pk, attempts=fork.attempts, **unchanged).update(**changes):
        return False
    for name, value in changes.items():
        setattr(fork, name, value)
    return True


def _limits() -> rendering.RenderLimits:
    return rendering.RenderLimits(
        max_files=settings.LUMBUNG_FORK_MAX_FILES,
        max_bytes=settings.LUMBUNG_FORK_MAX_BYTES,
        max_seconds=settings.LUMBUNG_FORK_MAX_SECONDS,
    )


def _extract_snapshot(version: TemplateVersion, destination: Path) -> Path:
    archive = destination / "snapshot.zip"
    with version.snapshot.open("rb") as source, archive.open("wb") as target:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            target.write(chunk)
    # Checked and extracted without following links, keeping the files' permission bits.
    rendering.extract_archive(archive, destination / "template")
    return destination / "template" / version.template.slug


def template_dir_of(version: TemplateVersion) -> Path:
    """The version's files, extracted once per machine and content hash (versions never change)."""
    cache_root = Path(tempfile.gettempdir()) / "lumbung-template-cache"
    target = cache_root / version.content_hash
    if not (target / version.template.slug / "cookiecutter.json").is_file():
        cache_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f"{version.content_hash[:12]}-", dir=cache_root))
        _extract_snapshot(version, staging)
        # Atomic: a concurrent worker either sees the whole folder or extracts its own (and loses the race).
        with contextlib.suppress(OSError):
            (staging / "template").rename(target)
        shutil.rmtree(staging, ignore_errors=True)
    return target / version.template.slug


def fork_archive_filename(fork: Fork) -> str:
    return f"{fork.context.get('project_slug', fork.template.slug)}.zip"


def fork_manifest(*, version: TemplateVersion, region: Region) -> dict:
    """Where a fork comes from, fixed when it is requested. `version` comes from
    `selectors.template_version_get`, with its template, mentor and app slug."""
    mentor = version.template.mentor_region
    return {
        "template": version.template.slug,
        "version": version.number,
        "content_hash": version.content_hash,
        "region": {"code": region.code, "name": region.name},
        "mentor_region": {"code": mentor.code, "name": mentor.name},
        "app": version.app_slug,
    }


def fork_metadata(fork: Fork) -> dict:
    """What `.lumbung.json` holds: enough to render the same copy again later."""
    return {
        **fork.manifest,
        "context": fork.context,
        "fork_id": str(fork.pk),
        "created_at": fork.created_at.isoformat(),
    }


def fork_run(*, fork_id) -> str:
    """Render a fork, then record it in the catalog. Safe to call more than once and concurrently: only one
    delivery renders, and only the delivery holding the latest claim can mark the fork succeeded."""
    fork = selectors.fork_for_render(fork_id=fork_id)
    if fork is None:
        return "skipped"
    if not _claim(fork):
        now = timezone.now()
        if fork.status == ForkStatus.RUNNING and fork.lease_expires_at and fork.lease_expires_at >= now:
            # Another delivery holds it, alive or not: look again once its lease would have run out.
            raise ForkHeld((fork.lease_expires_at - now).total_seconds() + 1)
        return "skipped"
    fork.version.template = fork.template  # the same row, already loaded
    try:
        with (
            leases.LeaseKeeper(fork.pk, fork.attempts) as lease,
            tempfile.TemporaryDirectory(prefix=f"lumbung-fork-{fork.pk}-") as tmp,
        ):
            workdir = Path(tmp)
            template_dir = template_dir_of(fork.version)
            limits = dataclasses.replace(_limits(), should_stop=lease.is_lost)
            result = rendering.render_template(template_dir, fork.context, workdir / "out", limits=limits)
            rendered = _log_line(
                _("Rendered %(count)d files; packing the archive.") % {"count": len(result.files)}
            )
            metadata = json.dumps(fork_metadata(fork), indent=2, ensure_ascii=False)
            archive_path = workdir / "fork.zip"
            info = rendering.archive_directory(
                result.root, archive_path, extra_files={".lumbung.json": metadata.encode()}
            )
            outcome = _finish_success(fork, archive_path, info, log=[*fork.log, rendered])
    except rendering.RenderCancelled:
        logger.warning("Fork %s: this delivery lost its lease; its render was stopped.", fork.pk)
        return "discarded"
    except rendering.RenderLimitExceeded as exc:
        return _finish_failure(fork, _("A limit was exceeded: %(reason)s") % {"reason": exc})
    except (rendering.RenderError, rendering.TemplateDefinitionError) as exc:
        return _finish_failure(fork, _("The template could not be rendered: %(reason)s") % {"reason": exc})
    if outcome == "succeeded":
        fork_record_in_catalog(fork_id=fork.pk)
    return outcome


def _finish_success(fork: Fork, archive_path: Path, info: rendering.ArchiveInfo, *, log: list[str]) -> str:
    """Store the archive, then mark the fork succeeded in one statement, if this delivery still holds it.

    The archive's name carries the attempt, so a delivery that lost the fork (cancelled while rendering,
    or taken over after its lease ran out) removes only its own file.
    """
    with archive_path.open("rb") as handle:
        fork.archive.save(f"{fork.pk}-{fork.attempts}.zip", File(handle), save=False)
    done = _("Done: %(count)d files, %(size)d bytes.") % {"count": info.file_count, "size": info.size}
    try:
        finished = Fork.objects.filter(pk=fork.pk, status=ForkStatus.RUNNING, attempts=fork.attempts).update(
            status=ForkStatus.SUCCEEDED, progress=100, finished_at=timezone.now(), lease_expires_at=None,
            archive=fork.archive.name, archive_size=info.size, archive_sha256=info.sha256,
            file_count=info.file_count, log=[*log, _log_line(done)],
        )  # fmt: skip
    except Exception:
        fork.archive.delete(save=False)  # the next delivery stores its own
        raise
    if not finished:
        fork.archive.delete(save=False)
        return "discarded"
    return "succeeded"


def _active_mou_between(region: Region, other: Region) -> MoU | None:
    def party(code):
        return Exists(MoUParty.objects.filter(mou=OuterRef("pk"), region=code))

    return (
        MoU.objects.with_status()
        .filter(current_status=MoUStatus.ACTIVE)
        .filter(party(region.code), party(other.code))
        .order_by("-signed_on")
        .first()
    )


def fork_record_in_catalog(*, fork_id) -> bool:
    """Record a succeeded fork in the catalog: the region's verified adoption of the template's app (stage
    "in development"), and the active MoU between the region and the mentor, linked to the fork and the app.

    It runs right after the fork is marked succeeded, in its own transaction, so the copy is ready to
    download without waiting for the catalog; if the worker dies in between, the sweeper runs it again.
    Idempotent: a fork is recorded once.
    """
    with transaction.atomic():
        fork = (
            Fork.objects.select_for_update(of=("self",))
            .select_related("template__mentor_region", "template__app", "version", "region", "requested_by")
            .filter(pk=fork_id, status=ForkStatus.SUCCEEDED, catalog_recorded_at__isnull=True)
            .first()
        )
        if fork is None:
            return False
        mou = _active_mou_between(fork.region, fork.template.mentor_region)
        _record_adoption(fork, mou)
        Fork.objects.filter(pk=fork.pk).update(mou=mou, catalog_recorded_at=timezone.now())
    return True


def _record_adoption(fork: Fork, mou: MoU | None) -> None:
    app = fork.template.app
    if app is None or app.owner_region_id == fork.region_id:
        return
    note = _("Own copy made from template %(template)s v%(version)s (fork %(fork)s), mentored by %(mentor)s.")
    params = {
        "template": fork.template.slug,
        "version": fork.version.number,
        "fork": fork.pk,
        "mentor": fork.template.mentor_region.name,
    }
    fields = {
        "stage": AdoptionStage.IN_DEVELOPMENT,
        "since": timezone.localdate(),
        "evidence_note": note % params,
    }
    existing = app.adoptions.filter(region=fork.region).first()
    if existing is not None and existing.stage in (AdoptionStage.LIVE, AdoptionStage.IN_DEVELOPMENT):
        fields["stage"] = existing.stage
    try:
        catalog_services.adoption_record(app=app, region=fork.region, recorded_by=fork.requested_by, **fields)
    except PermissionDenied:
        catalog_services.adoption_record_unverified(app=app, region=fork.region, **fields)
    if mou is not None and mou.parties.filter(region=app.owner_region_id).exists():
        # Only an agreement the app's owner signed covers it (the template's mentor may not be the owner).
        app.mous.add(mou)


def _finish_failure(fork: Fork, reason: str) -> str:
    Fork.objects.filter(pk=fork.pk, status=ForkStatus.RUNNING, attempts=fork.attempts).update(
        status=ForkStatus.FAILED, error=reason, finished_at=timezone.now(), lease_expires_at=None,
        log=[*fork.log, _log_line(reason)],
    )  # fmt: skip
    logger.warning("Fork %s failed: %s", fork.pk, reason)
    return "failed"


def fork_fail_unexpectedly(*, fork_id, reason: str) -> None:
    """Called by the task when something outside the renderer broke (e.g. the time limit)."""
    fork = Fork.objects.filter(pk=fork_id).first()
    if fork is not None:
        _finish_failure(fork, reason)


@transaction.atomic
def fork_cancel(*, fork: Fork) -> Fork:
    if fork.status in FINISHED_STATUSES:
        raise ValidationError({"status": _("This fork has already finished.")})
    Fork.objects.filter(pk=fork.pk).exclude(status__in=FINISHED_STATUSES).update(
        status=ForkStatus.CANCELLED, finished_at=timezone.now(), lease_expires_at=None,
        log=[*fork.log, _log_line(_("Cancelled."))],
    )  # fmt: skip
    fork.refresh_from_db()
    return fork


@transaction.atomic
def fork_retry(*, fork: Fork) -> Fork:
    if fork.status != ForkStatus.FAILED:
        raise ValidationError({"status": _("Only a failed fork can be retried.")})
    Fork.objects.filter(pk=fork.pk, status=ForkStatus.FAILED).update(
        status=ForkStatus.QUEUED, error="", progress=0, queued_at=timezone.now(), finished_at=None,
        log=[*fork.log, _log_line(_("Queued again."))],
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
    return len(ids) + recorded
