"""The replication API: reads through replication.selectors (narrowed by registry.permissions where rows
are not public), every write through replication.services, which checks which side may do it
(registry.permissions.REPLICATION_RULES). RegionObjectPermission refuses early a user who acts for
none of the object's regions.

One viewset a module (`replications`, `contacts`, `action_items`, `sessions`, `questions`), what they
share in `common`; each re-exported here.
"""

from .action_items import ActionItemViewSet
from .contacts import MentorContactViewSet
from .questions import QuestionViewSet
from .replications import ReplicationViewSet
from .sessions import MentoringSessionViewSet

__all__ = [
    "ActionItemViewSet",
    "MentorContactViewSet",
    "MentoringSessionViewSet",
    "QuestionViewSet",
    "ReplicationViewSet",
]
