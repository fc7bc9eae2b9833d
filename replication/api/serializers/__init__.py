"""The replication API's shapes. Reading serializers show rows of replication.selectors; writing ones
only parse the request: every write is a service (replication.services), which checks the rules.

One subject a module, every serializer re-exported here (`from replication.api.serializers import X`):
`common` (people's names for officials, small references), `contacts`, `replications` (with the
request, phases, evaluation and action plan), `sessions` and `questions`.
"""

from .common import AgencyRefSerializer, MentorRefSerializer, OfficialNameField, officials_reading
from .contacts import MentorContactSerializer
from .questions import AnswerSerializer, QuestionDetailSerializer, QuestionSerializer
from .replications import (
    AcceptSerializer,
    ActionItemSerializer,
    DeclineSerializer,
    EvaluationFigureSerializer,
    EvaluationSerializer,
    PhaseChangeSerializer,
    PhaseMoveSerializer,
    ReplicationDetailSerializer,
    ReplicationRequestSerializer,
    ReplicationSerializer,
)
from .sessions import (
    MaterialSerializer,
    MaterialUploadSerializer,
    MentoringSessionSerializer,
    MentoringSessionWriteSerializer,
)

__all__ = [
    "AcceptSerializer",
    "ActionItemSerializer",
    "AgencyRefSerializer",
    "AnswerSerializer",
    "DeclineSerializer",
    "EvaluationFigureSerializer",
    "EvaluationSerializer",
    "MaterialSerializer",
    "MaterialUploadSerializer",
    "MentorContactSerializer",
    "MentorRefSerializer",
    "MentoringSessionSerializer",
    "MentoringSessionWriteSerializer",
    "OfficialNameField",
    "PhaseChangeSerializer",
    "PhaseMoveSerializer",
    "QuestionDetailSerializer",
    "QuestionSerializer",
    "ReplicationDetailSerializer",
    "ReplicationRequestSerializer",
    "ReplicationSerializer",
    "officials_reading",
]
