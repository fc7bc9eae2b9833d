"""The notices of events, queued on commit by the services and sent by `tasks.send_notice(kind, id)`."""

from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext_lazy

from registry.permissions import Action

from ..choices import CLOSED_PHASES, NoticeKind, RequestState, Side
from ..models import Answer, Question, Replication, SessionCancellation
from .composition import Message, calendar_sessions, members, notice_message
from .delivery import deliver


def _replications():
    return Replication.objects.select_related("app", "asal", "penerima", "fasilitator")


def _request_received(replication_id: int) -> int:
    replication = _replications().filter(pk=replication_id).first()
    if replication is None:
        return 0

    def compose() -> Message:
        requester = replication.requested_by
        subject = gettext_lazy("Mentoring requested: %(penerima)s asks about %(app)s")
        return notice_message(
            "request_received",
            subject,
            replication,
            requester=(requester.get_full_name() or requester.username) if requester else "",
            model=replication.get_model_display(),
        )

    recipients = members(Action.CHANGE, replication, Side.ASAL)
    return deliver(NoticeKind.REQUEST_RECEIVED, f"replication-{replication.pk}", recipients, compose)


def _request_answered(replication_id: int) -> int:
    replication = _replications().select_related("mentor").filter(pk=replication_id).first()
    if replication is None or replication.answered_at is None:
        return 0

    def compose() -> Message:
        accepted = replication.request_state == RequestState.ACCEPTED
        if accepted:
            subject = gettext_lazy("Mentoring accepted: %(asal)s will mentor you on %(app)s")
        else:
            subject = gettext_lazy("Mentoring declined: %(asal)s on %(app)s")
        return notice_message("request_answered", subject, replication, accepted=accepted)

    recipients = members(Action.CHANGE, replication, Side.PENERIMA)
    return deliver(NoticeKind.REQUEST_ANSWERED, f"replication-{replication.pk}", recipients, compose)


def _question_asked(question_id: int) -> int:
    question = Question.objects.select_related("replication").filter(pk=question_id).first()
    if question is None:
        return 0
    replication = _replications().get(pk=question.replication_id)

    def compose() -> Message:
        subject = gettext_lazy("New question about %(app)s from %(penerima)s")
        return notice_message("question_asked", subject, replication, question=question)

    recipients = members(Action.ADOPT, replication, Side.ASAL, Side.FASILITATOR)
    return deliver(NoticeKind.QUESTION_ASKED, f"question-{question.pk}", recipients, compose)


def _question_answered(answer_id: int) -> int:
    answer = Answer.objects.select_related("question__asked_by", "author").filter(pk=answer_id).first()
    if answer is None:
        return 0
    question = answer.question
    replication = _replications().get(pk=question.replication_id)

    def compose() -> Message:
        author = answer.author
        subject = gettext_lazy("Your question about %(app)s was answered")
        return notice_message(
            "question_answered",
            subject,
            replication,
            question=question,
            answer=answer,
            author=(author.get_full_name() or author.username) if author else "",
        )

    recipients = members(Action.CHANGE, replication, Side.PENERIMA)
    asker = question.asked_by
    if asker is not None and asker.is_active and asker.email:
        recipients.add(asker.email)
    return deliver(NoticeKind.QUESTION_ANSWERED, f"answer-{answer.pk}", recipients, compose)


def _session_scheduled(session_id: int) -> int:
    session = calendar_sessions().filter(pk=session_id).first()
    # A session already over, or of a replication that has ended, is changed for the record (its
    # minutes, its materials), not for anyone's calendar.
    if session is None or session.ends_at <= timezone.now() or session.replication.phase in CLOSED_PHASES:
        return 0
    replication = session.replication

    def compose() -> Message:
        changed = session.sequence > 0
        if changed:
            subject = gettext_lazy("Mentoring session changed: %(app)s, %(topic)s")
        else:
            subject = gettext_lazy("Mentoring session scheduled: %(app)s, %(topic)s")
        return notice_message("session_scheduled", subject, replication, session=session, changed=changed)

    recipients = members(Action.ADOPT, replication)
    key = f"session-{session.pk}-{session.sequence}"
    return deliver(NoticeKind.SESSION_SCHEDULED, key, recipients, compose)


def _session_cancelled(cancellation_id: int) -> int:
    cancellation = (
        SessionCancellation.objects.select_related(
            "replication__app", "replication__asal", "replication__penerima", "replication__fasilitator"
        )
        .filter(pk=cancellation_id)
        .first()
    )
    # Only sessions not yet over of open replications are kept to be cancelled (services.session_delete);
    # a task delivered after the session's time has nothing left to tell.
    if cancellation is None or cancellation.ends_at <= timezone.now():
        return 0
    replication = cancellation.replication

    def compose() -> Message:
        subject = gettext_lazy("Mentoring session cancelled: %(app)s, %(topic)s")
        return notice_message("session_cancelled", subject, replication, cancellation=cancellation)

    recipients = members(Action.ADOPT, replication)
    key = f"session-{cancellation.session_pk}-cancelled"
    return deliver(NoticeKind.SESSION_CANCELLED, key, recipients, compose)


EVENTS: dict[str, Callable[[int], int]] = {
    NoticeKind.REQUEST_RECEIVED: _request_received,
    NoticeKind.REQUEST_ANSWERED: _request_answered,
    NoticeKind.QUESTION_ASKED: _question_asked,
    NoticeKind.QUESTION_ANSWERED: _question_answered,
    NoticeKind.SESSION_SCHEDULED: _session_scheduled,
    NoticeKind.SESSION_CANCELLED: _session_cancelled,
}


def send_notice(kind: str, object_id: int | str) -> int:
    """Send the notice of an event (`kind`, a NoticeKind of EVENTS, about the object `object_id`) to
    those who have not had it; the number of e-mails sent. An object deleted since sends nothing."""
    try:
        handler = EVENTS[kind]
    except KeyError:
        raise ValueError(f"Not a notice of an event: {kind!r}") from None
    return handler(int(object_id))
