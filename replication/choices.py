"""Controlled vocabularies of replication and mentoring (LAN's Pedoman Replikasi Inovasi, 2017)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReplicationModel(models.TextChoices):
    MANDIRI = "mandiri", _("Independent (mandiri): the recipient replicates from the documentation")
    KEMITRAAN = "kemitraan", _("Partnership (kemitraan): the originating region mentors")
    FASILITASI = "fasilitasi", _("Facilitated (fasilitasi): through a facilitator")


class Phase(models.TextChoices):
    PERSIAPAN = "persiapan", _("Preparation (persiapan)")
    RENCANA_PENGEMBANGAN = "rencana_pengembangan", _("Planning and development (rencana & pengembangan)")
    REPLIKASI = "replikasi", _("Replication (replikasi)")
    EVALUASI = "evaluasi", _("Evaluation (evaluasi)")
    SELESAI = "selesai", _("Completed (selesai)")
    DIBATALKAN = "dibatalkan", _("Cancelled (dibatalkan)")


# The phases in their order; a move to an earlier one needs a reason.
PHASE_ORDER = (Phase.PERSIAPAN, Phase.RENCANA_PENGEMBANGAN, Phase.REPLIKASI, Phase.EVALUASI, Phase.SELESAI)
CLOSED_PHASES = (Phase.SELESAI, Phase.DIBATALKAN)


class RequestState(models.TextChoices):
    """Whether the originating region agreed to mentor. An independent replication asks nobody."""

    NOT_NEEDED = "not_needed", _("No request (independent)")
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Side(models.TextChoices):
    """The parties of a replication."""

    ASAL = "asal", _("Originating region (asal)")
    PENERIMA = "penerima", _("Recipient region (penerima)")
    FASILITATOR = "fasilitator", _("Facilitator (fasilitator)")


class SessionMode(models.TextChoices):
    DARING = "daring", _("Online (daring)")
    LURING = "luring", _("In person (luring)")
    KUNJUNGAN = "kunjungan", _("Visit (kunjungan)")


class QuestionState(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class NoticeKind(models.TextChoices):
    REQUEST_RECEIVED = "request_received", _("Mentoring requested")
    REQUEST_ANSWERED = "request_answered", _("Request accepted or declined")
    QUESTION_ASKED = "question_asked", _("New question")
    QUESTION_ANSWERED = "question_answered", _("Question answered")
    SESSION_SCHEDULED = "session_scheduled", _("Session scheduled or changed")
    SESSION_REMINDER = "session_reminder", _("Session tomorrow")
    QUESTION_UNANSWERED = "question_unanswered", _("Question unanswered for 3 working days")
    ACTION_OVERDUE = "action_overdue", _("Action item overdue")
