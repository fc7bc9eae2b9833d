"""Questions of the recipient to its mentors, and the thread of answers."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import permissions

from ..choices import NoticeKind, QuestionState, Side
from ..models import Answer, Question, Replication
from .notify import notify


@transaction.atomic
def question_ask(
    *, user, replication: Replication, title: str, body: str, internal: bool = False
) -> Question:
    permissions.require_on_replication(
        user, "ask", replication, _("Only the recipient region's members ask its mentors.")
    )
    question = Question(replication=replication, title=title, body=body, internal=internal, asked_by=user)
    question.full_clean()
    question.save()
    notify(NoticeKind.QUESTION_ASKED, question.pk)
    return question


@transaction.atomic
def answer_post(*, user, question: Question, body: str) -> Answer:
    """A message in the thread: an answer of the mentors' side (which marks the question answered and,
    the first time, measures the time to it), or a follow-up of the recipient (which opens it again)."""
    question = Question.objects.select_for_update().select_related("replication").get(pk=question.pk)
    replication = question.replication
    side = permissions.acting_side(user, "answer", replication) or permissions.acting_side(
        user, "ask", replication
    )
    if side is None:
        raise PermissionDenied(_("Only the replication's regions take part in its questions."))
    if question.state == QuestionState.CLOSED:
        raise ValidationError({"question": _("This question is closed.")})
    answer = Answer(question=question, body=body, author=user, side=side)
    answer.full_clean()
    answer.save()
    if side == Side.PENERIMA:
        question.state = QuestionState.OPEN
    else:
        question.state = QuestionState.ANSWERED
        question.first_answered_at = question.first_answered_at or answer.created_at or timezone.now()
        notify(NoticeKind.QUESTION_ANSWERED, answer.pk)
    question.save(update_fields=["state", "first_answered_at"])
    return answer


@transaction.atomic
def question_close(*, user, question: Question) -> Question:
    replication = question.replication
    if not (
        permissions.may_on_replication(user, "ask", replication)
        or permissions.may_on_replication(user, "answer", replication)
    ):
        raise PermissionDenied(_("Only the replication's regions take part in its questions."))
    question.state = QuestionState.CLOSED
    question.save(update_fields=["state"])
    return question
