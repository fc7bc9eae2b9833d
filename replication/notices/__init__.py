"""E-mail notices of replication and mentoring: who hears about what, in Bahasa Indonesia, each once.

Events, queued on commit by the services (services/notify.py) and sent by `tasks.send_notice(kind, id)`
(`events`):

    REQUEST_RECEIVED   replication  -> the asal's editors and admins (they accept or decline)
    REQUEST_ANSWERED   replication  -> the penerima's editors and admins
    QUESTION_ASKED     question     -> the members of the asal and the fasilitator who may answer
    QUESTION_ANSWERED  answer       -> the asker, and the penerima's editors and admins
    SESSION_SCHEDULED  session      -> both sides' members (developers, editors, admins), .ics attached;
                                       the key holds the session's revision: a changed session is a new
                                       notice, a task delivered twice for one revision sends nothing more
    SESSION_CANCELLED  cancellation -> the same members, a METHOD:CANCEL .ics of the session's UID
                                       (SessionCancellation: what a deleted session was, kept to tell it)

Daily, by `tasks.send_daily_notices` (beat, 07:00 Asia/Jakarta) (`daily`):

    SESSION_REMINDER     sessions starting tomorrow      -> both sides' members, .ics attached
    QUESTION_UNANSWERED  no answer after N working days  -> the asal's admins
                         (N: choices.UNANSWERED_AFTER_WORKING_DAYS)
    ACTION_OVERDUE       action items past their date    -> the responsible side's editors and admins

Higher apps send their own notices through `deliver` with a kind of their own: templates_repo's
TEMPLATE_VERSION (a new version of a template, to the regions whose copy is behind).

Each recipient gets an e-mail of their own (no member's address is shown to the others), recorded as a
`Notice` (kind, key, recipient): see `delivery.deliver` for how that makes each notice go out once.
`composition` finds the recipients and writes the e-mails.
"""

from ..models import Notice
from .composition import JAKARTA, LANGUAGE, Message
from .daily import (
    UNANSWERED_AFTER_WORKING_DAYS,
    send_daily_notices,
    send_overdue_action_notices,
    send_session_reminders,
    send_unanswered_question_notices,
    working_days_cutoff,
)
from .delivery import NoticeNotSent, deliver
from .events import EVENTS, send_notice

__all__ = [
    "EVENTS",
    "JAKARTA",
    "LANGUAGE",
    "UNANSWERED_AFTER_WORKING_DAYS",
    "Message",
    "Notice",
    "NoticeNotSent",
    "deliver",
    "send_daily_notices",
    "send_notice",
    "send_overdue_action_notices",
    "send_session_reminders",
    "send_unanswered_question_notices",
    "working_days_cutoff",
]
