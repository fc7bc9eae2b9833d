"""Replication and mentoring: a region (penerima) copying another region's (asal) app, with mentors to
ask, bimtek sessions, questions answered, an action plan, phases up to evaluation.

Rights follow the sides: registry/permissions.py decides, from the regions each side names.

One subject a module, every model imported here (Django finds them through this package, and
`from replication.models import Replication` works as before):

- `contacts`: mentor contacts, whom to ask about an app;
- `replications`: a replication, its phase history and its action plan, and the querysets narrowing
  them (and every part of a replication) to a user's regions;
- `sessions`: bimtek sessions and their materials, and those cancelled;
- `questions`: questions to the mentors and their answers;
- `evaluation`: what the replication changed, with before/after figures;
- `notices`: the e-mails sent, each recorded once.
"""

from .contacts import MentorContact, MentorContactQuerySet
from .evaluation import Evaluation, EvaluationFigure
from .notices import Notice
from .questions import Answer, Question, QuestionQuerySet
from .replications import (
    SIDES,
    ActionItem,
    ActionItemQuerySet,
    PhaseChange,
    Replication,
    ReplicationPartQuerySet,
    ReplicationQuerySet,
)
from .sessions import MentoringSession, SessionCancellation, SessionMaterial

__all__ = [
    "SIDES",
    "ActionItem",
    "ActionItemQuerySet",
    "Answer",
    "Evaluation",
    "EvaluationFigure",
    "MentorContact",
    "MentorContactQuerySet",
    "MentoringSession",
    "Notice",
    "PhaseChange",
    "Question",
    "QuestionQuerySet",
    "Replication",
    "ReplicationPartQuerySet",
    "ReplicationQuerySet",
    "SessionCancellation",
    "SessionMaterial",
]
