"""Pages of replication and mentoring: the list, a replication's page with its forms, the request form.

Every form posts to its own URL and goes through a service: success redirects back to the page (PRG),
a service's ValidationError comes back on the form's fields with status 400, a refusal is a 403 and an
anonymous visitor is sent to sign in. Which forms a user sees is asked of registry.permissions.

- `pages`: the list, a replication's page (`render_detail`) and its uploaded materials;
- `writes`: the forms the replication's page posts (`ReplicationWrite` and one class a form);
- `app_forms`: the forms reached from an app's page (asking to be mentored, adding a mentor contact).
"""

from .app_forms import MentorContactCreateView, RequestView, request_url
from .pages import ReplicationDetailView, ReplicationListView, material_file, render_detail
from .writes import (
    AcceptView,
    ActionItemCreateView,
    ActionItemDoneView,
    AnswerPostView,
    DeclineView,
    EvaluationView,
    MaterialAddView,
    PhaseView,
    QuestionAskView,
    ReplicationWrite,
    SessionCreateView,
)

__all__ = [
    "AcceptView",
    "ActionItemCreateView",
    "ActionItemDoneView",
    "AnswerPostView",
    "DeclineView",
    "EvaluationView",
    "MaterialAddView",
    "MentorContactCreateView",
    "PhaseView",
    "QuestionAskView",
    "ReplicationDetailView",
    "ReplicationListView",
    "ReplicationWrite",
    "RequestView",
    "SessionCreateView",
    "material_file",
    "render_detail",
    "request_url",
]
