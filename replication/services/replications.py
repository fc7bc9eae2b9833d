"""Replications: a region asks to be mentored, the originating region answers, the phases move; a fork
of a template belongs to its region's open replication of the app, or opens an independent one."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import App
from registry import permissions
from registry.models import MoU, MoUParty, Region

from ..choices import CLOSED_PHASES, PHASE_ORDER, NoticeKind, Phase, ReplicationModel, RequestState
from ..models import MentorContact, PhaseChange, Replication
from .notify import notify


def _check_mou(mou: MoU | None, asal: Region, penerima: Region) -> None:
    """A replication runs under an MoU only if both regions signed it."""
    if mou is None:
        return
    parties = set(MoUParty.objects.filter(mou=mou).values_list("region_id", flat=True))
    missing = [region.name for region in (asal, penerima) if region.code not in parties]
    if missing:
        raise ValidationError(
            {
                "mou": ngettext(
                    "%(regions)s is not a party to this MoU.",
                    "%(regions)s are not parties to this MoU.",
                    len(missing),
                )
                % {"regions": ", ".join(missing)}
            }
        )


def _create(replication: Replication, *, user) -> Replication:
    """Save a new replication and its first phase; one open replication per app and region."""
    _check_mou(replication.mou, replication.asal, replication.penerima)
    if Replication.objects.open().filter(app=replication.app, penerima=replication.penerima).exists():
        raise ValidationError({"app": _("This region already has an open replication of this app.")})
    replication.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            replication.save()
    except IntegrityError:  # the same request at the same moment
        raise ValidationError(
            {"app": _("This region already has an open replication of this app.")}
        ) from None
    PhaseChange.objects.create(replication=replication, to_phase=replication.phase, changed_by=user)
    return replication


@transaction.atomic
def replication_request(
    *,
    user,
    app: App,
    penerima: Region,
    model: str,
    message: str = "",
    fasilitator: Region | None = None,
    fasilitator_name: str = "",
    mou: MoU | None = None,
    source: str = "",
) -> Replication:
    """`penerima` asks `app`'s owner region to mentor it (kemitraan), or through a facilitator
    (fasilitasi); an independent replication (mandiri) starts at once and asks nobody."""
    replication = Replication(
        app=app,
        asal_id=app.owner_region_id,
        penerima=penerima,
        model=model,
        fasilitator=fasilitator,
        fasilitator_name=fasilitator_name.strip(),
        mou=mou,
        request_message=message.strip(),
        requested_by=user if user and user.is_authenticated else None,
        source=source,
    )
    permissions.require_on_replication(
        user, "request", replication, _("Only the recipient region's editors and administrators can ask.")
    )
    if penerima.code == app.owner_region_id:
        raise ValidationError({"penerima": _("A region does not replicate its own app.")})
    if model == ReplicationModel.FASILITASI and not (fasilitator or replication.fasilitator_name):
        raise ValidationError({"fasilitator": _("A facilitated replication names its facilitator.")})
    if model != ReplicationModel.MANDIRI:
        replication.request_state = RequestState.PENDING
    replication = _create(replication, user=user)
    if replication.request_state == RequestState.PENDING:
        notify(NoticeKind.REQUEST_RECEIVED, replication.pk)
    return replication


def _locked(replication: Replication) -> Replication:
    return Replication.objects.select_for_update().get(pk=replication.pk)


def _pending_request(user, replication: Replication) -> Replication:
    """The replication, locked, if `user` may answer its request and it still waits for an answer."""
    replication = _locked(replication)
    permissions.require_on_replication(
        user,
        "answer_request",
        replication,
        _("Only the originating region's editors and administrators answer."),
    )
    if replication.request_state != RequestState.PENDING:
        raise ValidationError({"request_state": _("This request has already been answered.")})
    return replication


@transaction.atomic
def replication_accept(*, user, replication: Replication, mentor: MentorContact) -> Replication:
    """The originating region agrees to mentor, naming the mentor (one of the app's contacts)."""
    replication = _pending_request(user, replication)
    if mentor.app_id != replication.app_id:
        raise ValidationError({"mentor": _("Choose one of this app's mentor contacts.")})
    replication.request_state = RequestState.ACCEPTED
    replication.mentor = mentor
    replication.answered_by, replication.answered_at = user, timezone.now()
    replication.save()
    notify(NoticeKind.REQUEST_ANSWERED, replication.pk)
    return replication


@transaction.atomic
def replication_decline(*, user, replication: Replication, reason: str) -> Replication:
    """The originating region declines, saying why; the replication ends (the recipient may ask again
    later, or replicate independently)."""
    replication = _pending_request(user, replication)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the request is declined.")})
    replication.request_state = RequestState.DECLINED
    replication.decline_reason = reason.strip()
    replication.answered_by, replication.answered_at = user, timezone.now()
    _set_phase(replication, Phase.DIBATALKAN, user=user, reason=replication.decline_reason)
    notify(NoticeKind.REQUEST_ANSWERED, replication.pk)
    return replication


def _set_phase(replication: Replication, phase: str, *, user, reason: str = "") -> None:
    PhaseChange.objects.create(
        replication=replication, from_phase=replication.phase, to_phase=phase, reason=reason, changed_by=user
    )
    replication.phase = phase
    if phase == Phase.DIBATALKAN:
        replication.cancel_reason = reason
    replication.save()


@transaction.atomic
def replication_move_phase(*, user, replication: Replication, phase: str, reason: str = "") -> Replication:
    """Move to the next phase, back to an earlier one (with a reason), or cancel (with a reason).

    A mentored replication leaves preparation only once its request is accepted; it is completed only
    with its evaluation recorded.
    """
    replication = _locked(replication)
    permissions.require_on_replication(
        user,
        "move_phase",
        replication,
        _("Only the two regions' editors and administrators move the phases."),
    )
    reason = reason.strip()
    if replication.phase in CLOSED_PHASES:
        raise ValidationError({"phase": _("This replication has ended.")})
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Unknown phase.")})
    if phase == Phase.DIBATALKAN:
        if not reason:
            raise ValidationError({"reason": _("Say why the replication is cancelled.")})
    else:
        current, target = PHASE_ORDER.index(replication.phase), PHASE_ORDER.index(phase)
        if target == current:
            raise ValidationError({"phase": _("The replication is already in this phase.")})
        if target < current and not reason:
            raise ValidationError({"reason": _("Say why the replication goes back to an earlier phase.")})
        if target > current + 1:
            raise ValidationError({"phase": _("Phases are taken one at a time.")})
        if target > current and replication.request_state in (RequestState.PENDING, RequestState.DECLINED):
            raise ValidationError({"phase": _("The originating region has not accepted the request yet.")})
        if phase == Phase.SELESAI and not hasattr(replication, "evaluation"):
            raise ValidationError({"phase": _("Record the evaluation before completing the replication.")})
    _set_phase(replication, phase, user=user, reason=reason)
    return replication


def replication_for_fork(*, user, app: App, region: Region) -> Replication | None:
    """The replication a fork of `app`'s template for `region` belongs to: the region's open one, or a
    new independent (mandiri) one. None for the app's own region (it copies its own app)."""
    if region.code == app.owner_region_id:
        return None
    existing = Replication.objects.open().filter(app=app, penerima=region).first()
    if existing is not None:
        return existing
    replication = Replication(
        app=app,
        asal_id=app.owner_region_id,
        penerima=region,
        model=ReplicationModel.MANDIRI,
        requested_by=user,
    )
    try:
        return _create(replication, user=user)
    except ValidationError:  # opened by a fork at the same moment
        return Replication.objects.open().filter(app=app, penerima=region).first()
