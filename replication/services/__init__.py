"""Writes of replication and mentoring, one module a subject; `from replication import services` gives
them all.

contacts      mentor contacts of an app ("tempat bertanya")
replications  requests, acceptance, the phases, the replication a fork belongs to
plan          the action plan
sessions      bimtek sessions and their materials
questions     questions and their answers
evaluation    the before/after evaluation
records       replications recorded from a public source (demo data)
"""

from .contacts import mentor_contact_create, mentor_contact_delete, mentor_contact_update
from .evaluation import FigureInput, evaluation_record
from .plan import action_item_create, action_item_delete, action_item_update
from .questions import answer_post, question_ask, question_close
from .records import question_record_from_source, replication_record_from_source, session_record_from_source
from .replications import (
    replication_accept,
    replication_decline,
    replication_for_fork,
    replication_move_phase,
    replication_request,
)
from .sessions import material_add, session_create, session_delete, session_update

__all__ = [
    "FigureInput",
    "action_item_create",
    "action_item_delete",
    "action_item_update",
    "answer_post",
    "evaluation_record",
    "material_add",
    "mentor_contact_create",
    "mentor_contact_delete",
    "mentor_contact_update",
    "question_ask",
    "question_close",
    "question_record_from_source",
    "replication_accept",
    "replication_decline",
    "replication_for_fork",
    "replication_move_phase",
    "replication_record_from_source",
    "replication_request",
    "session_create",
    "session_delete",
    "session_record_from_source",
    "session_update",
]
