"""Replications recorded from a public source (the demo data from news stories, a curator's record):
nobody acts in Lumbung, the source says where each fact comes from, and recording the same source again
updates the record instead of adding one. No notice is sent."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import App
from registry.models import MoU, Region, StudyVisit

from ..choices import QuestionState, Side
from ..models import Answer, MentoringSession, PhaseChange, Question, Replication
from .replications import _check_mou


@transaction.atomic
def replication_record_from_source(
    *,
    app: App,
    penerima: Region,
    source: str,
    mou: MoU | None = None,
    on: datetime.date | None = None,
    **fields,
) -> Replication:
    """Create or update the replication of `app` by `penerima` that `source` tells of; `on` is the day the
    story dates it (its record then counts from that day, not from the day the demo was loaded)."""
    replication = Replication.objects.filter(app=app, penerima=penerima, source=source).first()
    created = replication is None
    if created:
        replication = Replication(app=app, asal_id=app.owner_region_id, penerima=penerima, source=source)
    for name, value in fields.items():
        setattr(replication, name, value)
    replication.mou = mou
    _check_mou(mou, replication.asal, penerima)
    replication.full_clean()
    replication.save()
    if created:
        PhaseChange.objects.create(
            replication=replication, to_phase=replication.phase, reason=_("Recorded from a public source.")
        )
    if on is not None:
        when = timezone.make_aware(datetime.datetime.combine(on, datetime.time(9)))
        Replication.objects.filter(pk=replication.pk).update(created_at=when)
        PhaseChange.objects.filter(replication=replication, changed_by__isnull=True).update(changed_at=when)
        replication.created_at = when
    return replication


@transaction.atomic
def session_record_from_source(
    *, replication: Replication, source: str, study_visit: StudyVisit | None = None, **fields
) -> MentoringSession:
    """Create or update the session of `replication` that `source` tells of."""
    session = MentoringSession.objects.filter(replication=replication, source=source).first()
    session = session or MentoringSession(replication=replication, source=source)
    for name, value in fields.items():
        setattr(session, name, value)
    session.study_visit = study_visit
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def question_record_from_source(
    *, replication: Replication, title: str, body: str, answer: str, on: datetime.datetime
) -> Question:
    """A question and its answer as a story reports them (asked and answered on `on`), public."""
    question, _created = Question.objects.update_or_create(
        replication=replication,
        title=title,
        defaults={"body": body, "state": QuestionState.ANSWERED, "internal": False},
    )
    Question.objects.filter(pk=question.pk).update(asked_at=on, first_answered_at=on)
    reply = question.answers.first() or Answer(question=question, side=Side.ASAL)
    reply.body = answer
    reply.full_clean(exclude=["author"])
    reply.save()
    Answer.objects.filter(pk=reply.pk).update(created_at=on)
    return question
