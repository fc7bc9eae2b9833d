"""The service results a copy reports back (`ServiceReport`), and the keys it reports with
(`ReportingKey`).

A member of the copy's region makes a key (shown once, stored as its SHA-256 hash: the key is 32 random
bytes, so a plain hash is as good as a slow one); the copy's `manage.py report_to_lumbung` sends a
month's figures with it; they are checked against the figures the copy's template version declares
(`templates_repo/figures.py`) and stored, replacing what the same month said before. A key reports for
its copy and does nothing else: it authenticates only the results endpoint.
"""

import datetime
import hashlib
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import permissions

from .. import figures as declared_figures
from ..choices import ForkStatus
from ..models import Fork, ReportingKey, ServiceReport

KEY_PREFIX = "lbk_"  # recognisable in a leaked config file or a secret scanner
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_MONTH = datetime.date(2000, 1, 1)


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def key_permission_message() -> str:
    return _("Only the region's developers, editors and administrators can manage its copy's reporting keys.")


@transaction.atomic
def reporting_key_create(*, user, fork: Fork, name: str = "") -> tuple[ReportingKey, str]:
    """A new key for `fork` and the key itself, which is never shown again."""
    permissions.require(user, permissions.Action.ADOPT, [fork.region_id], key_permission_message())
    if fork.status != ForkStatus.SUCCEEDED:
        raise ValidationError({"fork": _("Only a finished copy can report its results.")})
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ReportingKey(fork=fork, name=name.strip(), prefix=raw[:12], key_hash=key_hash(raw), created_by=user)
    key.full_clean()
    key.save()
    return key, raw


@transaction.atomic
def reporting_key_revoke(*, user, key: ReportingKey) -> ReportingKey:
    """Revoke `key` (idempotent): the copy reporting with it gets 401 from then on."""
    permissions.require(user, permissions.Action.ADOPT, [key.fork.region_id], key_permission_message())
    if key.revoked_at is None:
        ReportingKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=user
        )
        key.refresh_from_db()
    return key


def reporting_key_authenticate(raw: str) -> ReportingKey | None:
    """The live key `raw` is, with its fork; None for an unknown or revoked key."""
    if not raw.startswith(KEY_PREFIX) or len(raw) > 100:
        return None
    key = (
        ReportingKey.objects.select_related("fork")
        .filter(key_hash=key_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if key is not None:
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > datetime.timedelta(minutes=1):
            ReportingKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
    return key


def parse_month(value, *, today: datetime.date | None = None) -> datetime.date:
    """The month "YYYY-MM" as the first day of that month; not in the future, not before 2000."""
    match = MONTH_PATTERN.match(value) if isinstance(value, str) else None
    if match is None or not 1 <= int(match[2]) <= 12:
        raise ValidationError({"month": _("Give the month as YYYY-MM, e.g. 2026-11.")})
    month = datetime.date(int(match[1]), int(match[2]), 1)
    today = today or timezone.localdate()
    if month > today.replace(day=1):
        raise ValidationError({"month": _("This month has not begun yet.")})
    if month < FIRST_MONTH:
        raise ValidationError({"month": _("Months before 2000 are not accepted.")})
    return month


def declaration_of(fork: Fork) -> tuple[int, list[dict]]:
    """The version a copy is at, and the figures it declares (the fork with `version`, `current_version`)."""
    version = fork.current_version or fork.version
    return version.number, version.figures


class ReportRefused(Exception):
    """A report not stored: `errors` per field, the figures' nested under "figures" by key."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


@transaction.atomic
def service_report_submit(*, key: ReportingKey, month, figures) -> tuple[ServiceReport, bool]:
    """Store a month of `key`'s copy's results (created, or replaced: second item False). Refused whole
    (ReportRefused, nothing stored) when the copy has not finished, the month is malformed or ahead, or a
    figure is not one its version declares or not a valid number for it."""
    fork = Fork.objects.select_related("version", "current_version").get(pk=key.fork_id)
    errors: dict = {}
    if fork.status != ForkStatus.SUCCEEDED:
        errors["fork"] = [_("Only a finished copy can report its results.")]
    try:
        first_day = parse_month(month)
    except ValidationError as error:
        errors.update(error.message_dict)
    number, declaration = declaration_of(fork)
    checked = declared_figures.check_report(declaration, figures)
    if not declaration:
        errors["figures"] = [
            _("Version %(number)s of this template declares no figures: update the copy first.")
            % {"number": number}
        ]
    elif checked.errors:
        errors["figures"] = checked.errors.get("figures") or checked.errors
    if errors:
        raise ReportRefused(errors)
    report, created = ServiceReport.objects.update_or_create(
        fork=fork,
        month=first_day,
        defaults={"figures": checked.figures, "version_number": number, "key": key, "demo": False},
    )
    return report, created
