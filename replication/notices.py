"""E-mail notices of replication and mentoring: who hears about what, in Bahasa Indonesia, each once.

Events, queued on commit by the services (services/notify.py) and sent by `tasks.send_notice(kind, id)`:

    REQUEST_RECEIVED   replication  -> the asal's editors and admins (they accept or decline)
    REQUEST_ANSWERED   replication  -> the penerima's editors and admins
    QUESTION_ASKED     question     -> the members of the asal and the fasilitator who may answer
    QUESTION_ANSWERED  answer       -> the asker, and the penerima's editors and admins
    SESSION_SCHEDULED  session      -> both sides' members (developers, editors, admins), .ics attached;
                                       the key holds the session's revision: a changed session is a new
                                       notice, a task delivered twice for one revision sends nothing more

Daily, by `tasks.send_daily_notices` (beat, 07:00 Asia/Jakarta):

    SESSION_REMINDER     sessions starting tomorrow      -> both sides' members, .ics attached
    QUESTION_UNANSWERED  no answer after 3 working days  -> the asal's admins
    ACTION_OVERDUE       action items past their date    -> the responsible side's editors and admins

Each recipient gets an e-mail of their own (no member's address is shown to the others), recorded as a
`Notice` (kind, key, recipient): see `_deliver` for how that makes each notice go out once.
"""

import datetime
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from registry.choices import MemberRole
from registry.permissions import Action, members_who_may

from . import ics
from .choices import CLOSED_PHASES, NoticeKind, QuestionState, RequestState, Side
from .models import ActionItem, Answer, MentoringSession, Notice, Question, Replication

logger = logging.getLogger(__name__)

# The recipients are Indonesian regions: notices are written in Bahasa Indonesia whatever language the
# code that queued them ran in (as registry.services writes the MoU expiry notices).
LANGUAGE = "id"
JAKARTA = ics.JAKARTA
UNANSWERED_AFTER_WORKING_DAYS = 3


class NoticeNotSent(Exception):
    """Some e-mails could not be handed to the mail server; they were not recorded, a retry sends them."""


@dataclass
class Message:
    subject: str
    body: str
    attachments: list[tuple[str, str, str]] = field(default_factory=list)


# Recipients ----------------------------------------------------------------------------------------


def _emails(memberships) -> set[str]:
    return set(memberships.exclude(user__email="").values_list("user__email", flat=True))


def _members(action: Action, replication: Replication, *sides: Side, roles: Iterable[str] | None = None):
    memberships = members_who_may(action, replication.region_codes(*sides))
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return _emails(memberships)


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


# Sending once --------------------------------------------------------------------------------------


def _deliver(kind: NoticeKind, key: str, recipients: Iterable[str], compose: Callable[[], Message]) -> int:
    """Send the notice (`kind`, `key`) to each of `recipients` who has not had it; the number sent.

    A recipient's notice is claimed by inserting its `Notice` row (unique on kind, key and recipient)
    in a transaction that stays open while the e-mail is handed to the mail server, as registry's MoU
    expiry notices are:

    - the row is there already: a run before this one sent it (it is left out below), or a run at the
      same moment holds it (the insert waits for that run's transaction and then fails with
      IntegrityError): that run sends, this one does not;
    - sending fails: the exception rolls the row back, so the retry (the task's, or tomorrow's run for
      the daily notices) sends it; the other recipients are still served;
    - the process dies after the mail server took the e-mail and before the commit: the row is rolled
      back with the transaction and the retry sends the e-mail again. Handing an e-mail over and
      recording it cannot be one step; a rare second e-mail is preferred to a lost one.

    Recording first in a transaction of its own would lose the notice whenever sending fails;
    recording after sending would send it twice whenever two runs meet.
    """
    recipients = set(recipients)
    already = set(
        Notice.objects.filter(kind=kind, key=key, recipient__in=recipients).values_list(
            "recipient", flat=True
        )
    )
    pending = sorted(recipients - already)
    if not pending:
        return 0
    message = compose()
    sent, failed = 0, []
    for recipient in pending:
        try:
            with transaction.atomic():
                Notice.objects.create(kind=kind, key=key, recipient=recipient)
                email = EmailMessage(subject=message.subject, body=message.body, to=[recipient])
                for filename, content, mimetype in message.attachments:
                    email.attach(filename, content, mimetype)
                email.send()
        except IntegrityError:
            continue  # another run holds or has sent this one
        except Exception as exc:  # the mail server refused or is unreachable: not recorded, retried
            logger.warning("Notice %s %s to %s not sent: %s", kind, key, recipient, exc, exc_info=True)
            failed.append(recipient)
            continue
        sent += 1
    logger.info("Notice %s %s: %d sent, %d failed", kind, key, sent, len(failed))
    if failed:
        raise NoticeNotSent(f"{kind} {key}: {len(failed)} of {len(pending)} e-mails not sent")
    return sent


# Events --------------------------------------------------------------------------------------------


def _replications():
    return Replication.objects.select_related("app", "asal", "penerima", "fasilitator")


def _request_received(replication_id: int) -> int:
    replication = _replications().filter(pk=replication_id).first()
    if replication is None:
        return 0

    def compose() -> Message:
        requester = replication.requested_by
        context = _context(
            replication,
            requester=(requester.get_full_name() or requester.username) if requester else "",
            model=replication.get_model_display(),
        )
        subject = gettext_lazy("Mentoring requested: %(penerima)s asks about %(app)s")
        return _render("request_received", subject, context)

    recipients = _members(Action.CHANGE, replication, Side.ASAL)
    return _deliver(NoticeKind.REQUEST_RECEIVED, f"replication-{replication.pk}", recipients, compose)


def _request_answered(replication_id: int) -> int:
    replication = _replications().select_related("mentor").filter(pk=replication_id).first()
    if replication is None or replication.answered_at is None:
        return 0

    def compose() -> Message:
        context = _context(replication, accepted=replication.request_state == RequestState.ACCEPTED)
        if context["accepted"]:
            subject = gettext_lazy("Mentoring accepted: %(asal)s will mentor you on %(app)s")
        else:
            subject = gettext_lazy("Mentoring declined: %(asal)s on %(app)s")
        return _render("request_answered", subject, context)

    recipients = _members(Action.CHANGE, replication, Side.PENERIMA)
    return _deliver(NoticeKind.REQUEST_ANSWERED, f"replication-{replication.pk}", recipients, compose)


def _question_asked(question_id: int) -> int:
    question = Question.objects.select_related("replication").filter(pk=question_id).first()
    if question is None:
        return 0
    replication = _replications().get(pk=question.replication_id)

    def compose() -> Message:
        subject = gettext_lazy("New question about %(app)s from %(penerima)s")
        return _render("question_asked", subject, _context(replication, question=question))

    recipients = _members(Action.ADOPT, replication, Side.ASAL, Side.FASILITATOR)
    return _deliver(NoticeKind.QUESTION_ASKED, f"question-{question.pk}", recipients, compose)


def _question_answered(answer_id: int) -> int:
    answer = Answer.objects.select_related("question__asked_by", "author").filter(pk=answer_id).first()
    if answer is None:
        return 0
    question = answer.question
    replication = _replications().get(pk=question.replication_id)

    def compose() -> Message:
        author = answer.author
        context = _context(
            replication,
            question=question,
            answer=answer,
            author=(author.get_full_name() or author.username) if author else "",
        )
        subject = gettext_lazy("Your question about %(app)s was answered")
        return _render("question_answered", subject, context)

    recipients = _members(Action.CHANGE, replication, Side.PENERIMA)
    asker = question.asked_by
    if asker is not None and asker.is_active and asker.email:
        recipients.add(asker.email)
    return _deliver(NoticeKind.QUESTION_ANSWERED, f"answer-{answer.pk}", recipients, compose)


def _calendar_sessions():
    return ics.sessions_for_calendar(MentoringSession.objects.all())


def _session_scheduled(session_id: int) -> int:
    session = _calendar_sessions().filter(pk=session_id).first()
    # A session already over, or of a replication that has ended, is changed for the record (its
    # minutes, its materials), not for anyone's calendar.
    if session is None or session.ends_at <= timezone.now() or session.replication.phase in CLOSED_PHASES:
        return 0
    replication = session.replication

    def compose() -> Message:
        context = _context(replication, changed=session.sequence > 0, **_session_context(session))
        if context["changed"]:
            subject = gettext_lazy("Mentoring session changed: %(app)s, %(topic)s")
        else:
            subject = gettext_lazy("Mentoring session scheduled: %(app)s, %(topic)s")
        return _render("session_scheduled", subject, context, [_ics_attachment(session)])

    recipients = _members(Action.ADOPT, replication)
    key = f"session-{session.pk}-{session.sequence}"
    return _deliver(NoticeKind.SESSION_SCHEDULED, key, recipients, compose)


EVENTS: dict[str, Callable[[int], int]] = {
    NoticeKind.REQUEST_RECEIVED: _request_received,
    NoticeKind.REQUEST_ANSWERED: _request_answered,
    NoticeKind.QUESTION_ASKED: _question_asked,
    NoticeKind.QUESTION_ANSWERED: _question_answered,
    NoticeKind.SESSION_SCHEDULED: _session_scheduled,
}


def send_notice(kind: str, object_id: int | str) -> int:
    """Send the notice of an event (`kind`, a NoticeKind of EVENTS, about the object `object_id`) to
    those who have not had it; the number of e-mails sent. An object deleted since sends nothing."""
    try:
        handler = EVENTS[kind]
    except KeyError:
        raise ValueError(f"Not a notice of an event: {kind!r}") from None
    return handler(int(object_id))


# Daily ---------------------------------------------------------------------------------------------


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=JAKARTA)


def _each(notices: Iterable[tuple[NoticeKind, str, set[str], Callable[[], Message]]]) -> int:
    """Deliver each of a day's notices; one that cannot be sent does not hold up the others (NoticeNotSent
    is raised at the end then)."""
    sent, failures = 0, []
    for kind, key, recipients, compose in notices:
        try:
            sent += _deliver(kind, key, recipients, compose)
        except NoticeNotSent as exc:
            failures.append(str(exc))
    if failures:
        raise NoticeNotSent("; ".join(failures))
    return sent


def _session_reminders(tomorrow: datetime.date):
    sessions = _calendar_sessions().filter(
        starts_at__gte=_day_start(tomorrow),
        starts_at__lt=_day_start(tomorrow + datetime.timedelta(days=1)),
    )
    for session in sessions.exclude(replication__phase__in=CLOSED_PHASES).order_by("starts_at", "pk"):

        def compose(session=session) -> Message:
            context = _context(session.replication, **_session_context(session))
            subject = gettext_lazy("Tomorrow: mentoring session on %(app)s, %(topic)s")
            return _render("session_reminder", subject, context, [_ics_attachment(session)])

        key = f"session-{session.pk}-{tomorrow.isoformat()}"
        yield NoticeKind.SESSION_REMINDER, key, _members(Action.ADOPT, session.replication), compose


def send_session_reminders(*, today: datetime.date) -> int:
    """The day before a session, its members are reminded, the .ics attached. The key holds the date:
    a session moved to another day is reminded of again."""
    return _each(_session_reminders(today + datetime.timedelta(days=1)))


def working_days_cutoff(
    today: datetime.date, working_days: int = UNANSWERED_AFTER_WORKING_DAYS
) -> datetime.date:
    """The last day a question may have been asked on to have waited `working_days` whole working days
    (Monday to Friday) before `today`: asked on a Monday, it is reported on Friday; on a Thursday, on the
    Wednesday after. Public holidays (tanggal merah, cuti bersama) are counted as working days: Lumbung
    keeps no holiday calendar, so a notice may come a day or two early after one."""
    day, counted = today, 0
    while counted < working_days:
        day -= datetime.timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day - datetime.timedelta(days=1)


def _part_of_open_replication(queryset):
    return queryset.exclude(replication__phase__in=CLOSED_PHASES).select_related(
        "replication__app", "replication__asal", "replication__penerima", "replication__fasilitator"
    )


def _unanswered_questions(today: datetime.date):
    cutoff = working_days_cutoff(today)
    questions = Question.objects.filter(
        state=QuestionState.OPEN,
        first_answered_at__isnull=True,
        asked_at__lt=_day_start(cutoff + datetime.timedelta(days=1)),
    )
    for question in _part_of_open_replication(questions).order_by("asked_at", "pk"):

        def compose(question=question) -> Message:
            context = _context(
                question.replication,
                question=question,
                asked=timezone.localtime(question.asked_at, JAKARTA),
                working_days=UNANSWERED_AFTER_WORKING_DAYS,
            )
            subject = gettext_lazy("A question about %(app)s has waited 3 working days for an answer")
            return _render("question_unanswered", subject, context)

        recipients = _members(Action.CHANGE, question.replication, Side.ASAL, roles=[MemberRole.ADMIN])
        yield NoticeKind.QUESTION_UNANSWERED, f"question-{question.pk}", recipients, compose


def send_unanswered_question_notices(*, today: datetime.date) -> int:
    """Questions of open replications still without a first answer after 3 working days: to the asal's
    admins, once a question."""
    return _each(_unanswered_questions(today))


def _overdue_actions(today: datetime.date):
    items = ActionItem.objects.filter(done_at__isnull=True, due_on__lt=today)
    for item in _part_of_open_replication(items).order_by("due_on", "pk"):

        def compose(item=item) -> Message:
            context = _context(item.replication, item=item, title=item.title, side=item.get_side_display())
            subject = gettext_lazy("Action item overdue: %(title)s (%(app)s)")
            return _render("action_overdue", subject, context)

        recipients = _members(Action.CHANGE, item.replication, item.side)
        yield NoticeKind.ACTION_OVERDUE, f"action-{item.pk}-{item.due_on.isoformat()}", recipients, compose


def send_overdue_action_notices(*, today: datetime.date) -> int:
    """Action items not done by their date, of open replications: to the responsible side's editors and
    admins, once an item and date (an item given a new date that passes too is reported again)."""
    return _each(_overdue_actions(today))


def send_daily_notices(*, today: datetime.date | None = None) -> dict[str, int]:
    """The day's reminders and reports; each part runs even when another could not send everything,
    and NoticeNotSent is raised at the end then (the task retries; what was sent is not sent again)."""
    today = today or timezone.localdate(timezone=JAKARTA)
    counts, failures = {}, []
    for name, send in (
        ("session_reminders", send_session_reminders),
        ("unanswered_questions", send_unanswered_question_notices),
        ("overdue_actions", send_overdue_action_notices),
    ):
        try:
            counts[name] = send(today=today)
        except NoticeNotSent as exc:
            failures.append(str(exc))
    if failures:
        raise NoticeNotSent("; ".join(failures))
    return counts
