"""Composing notices: who hears (the members of a replication's regions who may act), and the e-mail
they get, in Bahasa Indonesia with dates and times in Asia/Jakarta."""

import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone, translation

from registry.permissions import Action, members_who_may, region_admins

from .. import ics
from ..choices import Side
from ..models import MentoringSession, Replication, SessionCancellation

# The recipients are Indonesian regions: notices are written in Bahasa Indonesia whatever language the
# code that queued them ran in (as registry.services writes the MoU expiry notices).
LANGUAGE = "id"
JAKARTA = ics.JAKARTA


@dataclass
class Message:
    subject: str
    body: str
    attachments: list[tuple[str, str, str]] = field(default_factory=list)


# Recipients ----------------------------------------------------------------------------------------


def _emails(memberships) -> set[str]:
    return set(memberships.exclude(user__email="").values_list("user__email", flat=True))


def members(action: Action, replication: Replication, *sides: Side) -> set[str]:
    return _emails(members_who_may(action, replication.region_codes(*sides)))


def admins(replication: Replication, *sides: Side) -> set[str]:
    return _emails(region_admins(replication.region_codes(*sides)))


# Composition ---------------------------------------------------------------------------------------


def _facilitator(replication: Replication) -> str:
    return replication.fasilitator.name if replication.fasilitator else replication.fasilitator_name


def _context(replication: Replication, **extra) -> dict:
    return {
        "replication": replication,
        "app": replication.app.name,
        "asal": replication.asal.name,
        "penerima": replication.penerima.name,
        "fasilitator": _facilitator(replication),
        "link": ics.site_url() + replication.get_absolute_url(),
        **extra,
    }


def _session_context(session: MentoringSession) -> dict:
    return {
        "session": session,
        "starts": timezone.localtime(session.starts_at, JAKARTA),
        "ends": timezone.localtime(session.ends_at, JAKARTA),
        "mode": session.get_mode_display(),
        "topic": session.topic,
        "mentors": ", ".join(mentor.name for mentor in session.mentors.all()),
    }


def _render(template: str, subject, context: dict, attachments=()) -> Message:
    """Subject and body in Bahasa Indonesia, dates and times in Asia/Jakarta."""
    with translation.override(LANGUAGE), timezone.override(JAKARTA):
        body = render_to_string(f"replication/email/{template}.txt", context)
        body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"  # the templates' tag lines leave gaps
        subject = " ".join((str(subject) % context).split())  # one line, whatever a title holds
    return Message(subject=subject, body=body, attachments=list(attachments))


def _ics_attachment(session: MentoringSession) -> tuple[str, str, str]:
    return (ics.session_filename(session), ics.session_ics(session).decode(), "text/calendar")


def _cancellation_context(cancellation: SessionCancellation) -> dict:
    return {
        "session": cancellation,
        "starts": timezone.localtime(cancellation.starts_at, JAKARTA),
        "ends": timezone.localtime(cancellation.ends_at, JAKARTA),
        "mode": cancellation.get_mode_display(),
        "topic": cancellation.topic,
        "mentors": "",
    }


def notice_message(
    template: str,
    subject,
    replication: Replication,
    *,
    session: MentoringSession | None = None,
    cancellation: SessionCancellation | None = None,
    **extra,
) -> Message:
    """A notice's e-mail about `replication`: `replication/email/<template>.txt` and `subject` (a %-format)
    filled with the replication's names and link, `extra`, and for a `session` its details (its .ics
    attached), for a `cancellation` the cancelled session's (its METHOD:CANCEL .ics attached)."""
    if cancellation is not None:
        context = _context(replication, **extra, **_cancellation_context(cancellation))
        attachment = (
            ics.cancellation_filename(cancellation),
            ics.cancellation_ics(cancellation).decode(),
            "text/calendar",
        )
        return _render(template, subject, context, [attachment])
    if session is None:
        return _render(template, subject, _context(replication, **extra))
    context = _context(replication, **extra, **_session_context(session))
    return _render(template, subject, context, [_ics_attachment(session)])


def calendar_sessions():
    return ics.sessions_for_calendar(MentoringSession.objects.all())
