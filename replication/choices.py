"""Controlled vocabularies of replication and mentoring (LAN's Pedoman Replikasi Inovasi, 2017)."""

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# A question of an open replication without a first answer after this many working days is reported to
# the originating region's admins (notices.daily); the notice's name says the number.
UNANSWERED_AFTER_WORKING_DAYS = 3


class ReplicationModel(models.TextChoices):
    """Short names, for lists, cards and filters; what each means is REPLICATION_MODEL_HELP."""

    MANDIRI = "mandiri", _("Independent (mandiri)")
    KEMITRAAN = "kemitraan", _("Partnership (kemitraan)")
    FASILITASI = "fasilitasi", _("Facilitated (fasilitasi)")


# What each model means, for the forms that choose one (the request form's help text).
REPLICATION_MODEL_HELP = {
    ReplicationModel.MANDIRI: _("Independent: the recipient replicates from the documentation."),
    ReplicationModel.KEMITRAAN: _("Partnership: the originating region mentors."),
    ReplicationModel.FASILITASI: _("Facilitated: through a facilitator."),
}


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


def _unanswered_label() -> str:
    days = UNANSWERED_AFTER_WORKING_DAYS
    return ngettext(
        "Question unanswered for %(days)d working day", "Question unanswered for %(days)d working days", days
    ) % {"days": days}


class NoticeKind(models.TextChoices):
    REQUEST_RECEIVED = "request_received", _("Mentoring requested")
    REQUEST_ANSWERED = "request_answered", _("Request accepted or declined")
    QUESTION_ASKED = "question_asked", _("New question")
    QUESTION_ANSWERED = "question_answered", _("Question answered")
    SESSION_SCHEDULED = "session_scheduled", _("Session scheduled or changed")
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
    SESSION_REMINDER = "session_reminder", _("Session tomorrow")
    # Translated when shown (lazy), with the number of days the daily notice waits.
    QUESTION_UNANSWERED = "question_unanswered", lazy(_unanswered_label, str)()
    ACTION_OVERDUE = "action_overdue", _("Action item overdue")
    # Sent by templates_repo (services/fleet.py) to the regions whose copy of a template is behind.
    TEMPLATE_VERSION = "template_version", _("New version of a copied template")
