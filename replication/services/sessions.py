"""Bimtek sessions: scheduled by the originating region (or the facilitator), with their materials."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import permissions
from registry.models import Agency

from ..choices import NoticeKind
from ..models import MentorContact, MentoringSession, Replication, SessionCancellation, SessionMaterial
from .notify import notify

SESSION_FIELDS = (
    "starts_at",
    "ends_at",
    "mode",
    "study_visit",
    "topic",
    "location",
    "participants",
    "minutes",
)
DENIED = gettext_lazy(
    "Only the originating region's (or the facilitator's) editors and administrators schedule sessions."
)


# What a calendar entry shows: a change of these is a new revision, announced again.
SCHEDULE_FIELDS = ("starts_at", "ends_at", "mode", "topic", "location")


def _save(session: MentoringSession, fields: dict, mentors, agencies) -> MentoringSession:
    replication = session.replication
    before = {name: getattr(session, name) for name in SCHEDULE_FIELDS}
    for name, value in fields.items():
        if name in SESSION_FIELDS:
            setattr(session, name, value)
    errors = {}
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        errors["ends_at"] = _("A session ends after it starts.")
    if mentors is not None and any(mentor.app_id != replication.app_id for mentor in mentors):
        errors["mentors"] = _("Mentors are chosen among this app's mentor contacts.")
    if agencies is not None and any(agency.region_id != replication.penerima_id for agency in agencies):
        errors["agencies"] = _("The agencies taking part are the recipient region's.")
    if errors:
        raise ValidationError(errors)
    session.full_clean()
    # Minutes, participants and materials change nothing in anyone's calendar: no new revision, no e-mail.
    rescheduled = session.pk is None or any(
        getattr(session, name) != before[name] for name in SCHEDULE_FIELDS
    )
    if session.pk and rescheduled:
        session.sequence += 1
    session.save()
    if mentors is not None:
        session.mentors.set(mentors)
    if agencies is not None:
        session.agencies.set(agencies)
    if rescheduled:
        notify(NoticeKind.SESSION_SCHEDULED, session.pk)
    return session


@transaction.atomic
def session_create(
    *,
    user,
    replication: Replication,
    mentors: Sequence[MentorContact] = (),
    agencies: Sequence[Agency] = (),
    **fields,
) -> MentoringSession:
    permissions.require_on_replication(user, "schedule", replication, DENIED)
    if not replication.is_open:
        raise ValidationError({"replication": _("This replication has ended.")})
    return _save(MentoringSession(replication=replication), fields, list(mentors), list(agencies))


@transaction.atomic
def session_update(
    *,
    user,
    session: MentoringSession,
    mentors: Sequence[MentorContact] | None = None,
    agencies: Sequence[Agency] | None = None,
    **fields,
) -> MentoringSession:
    permissions.require_on_replication(user, "schedule", session.replication, DENIED)
    session = MentoringSession.objects.select_for_update().get(pk=session.pk)
    return _save(
        session,
        fields,
        None if mentors is None else list(mentors),
        None if agencies is None else list(agencies),
    )


@transaction.atomic
def session_delete(*, user, session: MentoringSession) -> None:
    """Delete a session. One not yet over, of an open replication, was announced (SESSION_SCHEDULED):
    it is kept as a SessionCancellation and its members are told, once, after commit."""
    permissions.require_on_replication(user, "schedule", session.replication, DENIED)
    session = MentoringSession.objects.select_for_update().select_related("replication").get(pk=session.pk)
    storage_names = [material.file.name for material in session.materials.all() if material.file]
    storage = SessionMaterial._meta.get_field("file").storage
    cancellation = None
    if session.ends_at > timezone.now() and session.replication.is_open:
        cancellation = SessionCancellation.objects.create(
            replication=session.replication,
            session_pk=session.pk,
            sequence=session.sequence + 1,  # a calendar applies a CANCEL newer than what it holds
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            date_only=session.date_only,
            mode=session.mode,
            topic=session.topic,
            location=session.location,
            cancelled_by=user if getattr(user, "is_authenticated", False) else None,
        )
    session.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in storage_names])
    if cancellation is not None:
        notify(NoticeKind.SESSION_CANCELLED, cancellation.pk)


@transaction.atomic
def material_add(*, user, session: MentoringSession, title: str, file=None, url: str = "") -> SessionMaterial:
    """A PDF or slide deck (checked by content and size) or a link; not both."""
    permissions.require_on_replication(user, "schedule", session.replication, DENIED)
    if bool(file) == bool(url):
        raise ValidationError({"file": _("Give a file or a link, not both.")})
    material = SessionMaterial(session=session, title=title, file=file or "", url=url)
    material.full_clean()
    material.save()
    return material
