"""The daily notices, sent by `tasks.send_daily_notices` (beat, 07:00 Asia/Jakarta): tomorrow's sessions,
questions unanswered for UNANSWERED_AFTER_WORKING_DAYS working days, overdue action items."""

import datetime

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy, ngettext

from registry.permissions import Action

from ..choices import CLOSED_PHASES, UNANSWERED_AFTER_WORKING_DAYS, NoticeKind, QuestionState, Side
from ..models import ActionItem, Question
from .composition import JAKARTA, Message, admins, calendar_sessions, members, notice_message
from .delivery import NoticeNotSent, deliver_each


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=JAKARTA)


def _session_reminders(tomorrow: datetime.date):
    sessions = calendar_sessions().filter(
        starts_at__gte=_day_start(tomorrow),
        starts_at__lt=_day_start(tomorrow + datetime.timedelta(days=1)),
    )
    for session in sessions.exclude(replication__phase__in=CLOSED_PHASES).order_by("starts_at", "pk"):

        def compose(session=session) -> Message:
            subject = gettext_lazy("Tomorrow: mentoring session on %(app)s, %(topic)s")
            return notice_message("session_reminder", subject, session.replication, session=session)

        key = f"session-{session.pk}-{tomorrow.isoformat()}"
        yield NoticeKind.SESSION_REMINDER, key, members(Action.ADOPT, session.replication), compose


def send_session_reminders(*, today: datetime.date) -> int:
    """The day before a session, its members are reminded, the .ics attached. The key holds the date:
    a session moved to another day is reminded of again."""
    return deliver_each(_session_reminders(today + datetime.timedelta(days=1)))


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


def _unanswered_subject(working_days: int) -> str:
    # A %-format still: the notice fills in the app (and the number) in the recipients' language.
    return ngettext(
        "A question about %(app)s has waited %(working_days)d working day for an answer",
        "A question about %(app)s has waited %(working_days)d working days for an answer",
        working_days,
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
            subject = lazy(_unanswered_subject, str)(UNANSWERED_AFTER_WORKING_DAYS)
            return notice_message(
                "question_unanswered",
                subject,
                question.replication,
                question=question,
                asked=timezone.localtime(question.asked_at, JAKARTA),
                working_days=UNANSWERED_AFTER_WORKING_DAYS,
            )

        recipients = admins(question.replication, Side.ASAL)
        yield NoticeKind.QUESTION_UNANSWERED, f"question-{question.pk}", recipients, compose


def send_unanswered_question_notices(*, today: datetime.date) -> int:
    """Questions of open replications still without a first answer after UNANSWERED_AFTER_WORKING_DAYS
    working days: to the asal's admins, once a question."""
    return deliver_each(_unanswered_questions(today))


def _overdue_actions(today: datetime.date):
    items = ActionItem.objects.filter(done_at__isnull=True, due_on__lt=today)
    for item in _part_of_open_replication(items).order_by("due_on", "pk"):

        def compose(item=item) -> Message:
            subject = gettext_lazy("Action item overdue: %(title)s (%(app)s)")
            return notice_message(
                "action_overdue",
                subject,
                item.replication,
                item=item,
                title=item.title,
                side=item.get_side_display(),
            )

        recipients = members(Action.CHANGE, item.replication, item.side)
        yield NoticeKind.ACTION_OVERDUE, f"action-{item.pk}-{item.due_on.isoformat()}", recipients, compose


def send_overdue_action_notices(*, today: datetime.date) -> int:
    """Action items not done by their date, of open replications: to the responsible side's editors and
    admins, once an item and date (an item given a new date that passes too is reported again)."""
    return deliver_each(_overdue_actions(today))


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
