"""Reads of replication and mentoring that more than one caller needs (pages, panels, the API)."""

import datetime

from django.db.models import BooleanField, Case, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.utils import timezone

from catalog.models import App
from config.queries import count_of
from registry import permissions
from registry.models import MoU, Region

from .choices import CLOSED_PHASES, Phase, QuestionState, RequestState, Side
from .models import ActionItem, Answer, MentorContact, MentoringSession, PhaseChange, Question, Replication

REPLICATION_RELATED = ("app", "asal", "penerima", "fasilitator")


def app_mentor_contacts(app: App) -> QuerySet[MentorContact]:
    """The people of the app's owner region whom others may ask ("tempat bertanya")."""
    return MentorContact.objects.filter(app=app).select_related("agency").order_by("name", "id")


def app_replications(app: App) -> QuerySet[Replication]:
    """The app's replications, open and completed, with their outcome (the evaluation and its figures)."""
    return (
        Replication.objects.filter(app=app)
        .select_related("penerima", "fasilitator", "evaluation")
        .prefetch_related("evaluation__figures")
        .order_by("phase", "-updated_at", "-id")
    )


def app_public_questions(app: App, user) -> QuerySet[Question]:
    """The app's answered questions that are not internal ("belajar dari daerah lain"), with the thread."""
    return (
        Question.objects.restrict(user)
        .filter(
            replication__app=app,
            state__in=(QuestionState.ANSWERED, QuestionState.CLOSED),
            internal=False,
        )
        .select_related("replication__penerima", "replication__asal", "replication__fasilitator")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("author")))
        .order_by("-first_answered_at", "-id")
    )


def replication_list() -> QuerySet[Replication]:
    return Replication.objects.select_related(*REPLICATION_RELATED)


def replication_detail_queryset() -> QuerySet[Replication]:
    """A replication with everything its page shows about it, in a constant number of queries."""
    return Replication.objects.select_related(
        *REPLICATION_RELATED,
        "app__owner_region",
        "mou",
        "mentor__agency",
        "requested_by",
        "answered_by",
        "evaluation",
    ).prefetch_related(
        Prefetch("phase_changes", queryset=PhaseChange.objects.select_related("changed_by")),
        "evaluation__figures",
    )


def replication_sessions(replication: Replication) -> QuerySet[MentoringSession]:
    return (
        MentoringSession.objects.filter(replication=replication)
        .select_related("study_visit")
        .prefetch_related("mentors", "agencies", "materials")
    )


def replication_action_items(replication: Replication, user) -> QuerySet[ActionItem]:
    """The action plan, for the members of the replication's regions and staff (empty for others)."""
    return ActionItem.objects.restrict(user).filter(replication=replication)


def replication_questions(replication: Replication, user) -> QuerySet[Question]:
    """The questions `user` may read, each with its thread."""
    return (
        Question.objects.restrict(user)
        .filter(replication=replication)
        .select_related("asked_by")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("author")))
    )


def request_regions(user, app: App) -> QuerySet[Region]:
    """The regions `user` may ask to be mentored on `app` for: those it writes for, but the owner."""
    return (
        Region.objects.restrict(user, permissions.Action.CHANGE)
        .exclude(code=app.owner_region_id)
        .order_by("name")
    )


def request_mous(user, app: App) -> QuerySet[MoU]:
    """MoUs a request may run under: those the app's owner signed with one of `user`'s regions (the
    service checks that the chosen region is a party)."""
    mous = MoU.objects.filter(parties__region=app.owner_region_id).filter(
        parties__region__in=request_regions(user, app).values("code")
    )
    return MoU.objects.filter(pk__in=mous.values("pk")).order_by("-signed_on", "title")


# The API's lists and details (replication/api/views.py) ---------------------------------------------


def with_counts(replications: QuerySet[Replication]) -> QuerySet[Replication]:
    """`replications` annotated with `session_count` and `question_count`."""
    return replications.annotate(
        session_count=count_of(MentoringSession, "replication"),
        question_count=count_of(Question, "replication"),
    )


def replication_api_list() -> QuerySet[Replication]:
    return with_counts(replication_list().select_related("mentor"))


def replication_api_detail() -> QuerySet[Replication]:
    return with_counts(replication_detail_queryset())


def mentor_contact_list() -> QuerySet[MentorContact]:
    return MentorContact.objects.select_related("app", "region", "agency")


def action_item_list(user) -> QuerySet[ActionItem]:
    """The action items `user` may read: those of the replications their regions are a side of."""
    return ActionItem.objects.restrict(user)


def session_list() -> QuerySet[MentoringSession]:
    """Bimtek sessions with their replication's app, their mentors, agencies and materials."""
    return MentoringSession.objects.select_related("replication__app").prefetch_related(
        Prefetch("mentors", queryset=MentorContact.objects.order_by("name", "id")), "agencies", "materials"
    )


def question_list(user, *, with_answers: bool = False) -> QuerySet[Question]:
    """The questions `user` may read (public once answered unless internal; otherwise the replication's
    regions' members and staff), with their thread when `with_answers`."""
    questions = Question.objects.restrict(user).select_related("replication__app", "asked_by")
    if with_answers:
        questions = questions.prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("author"))
        )
    return questions


# A region's workspace ("Wilayah saya", registry:workspace) ------------------------------------------


def _of_region(code: str, prefix: str = "") -> Q:
    """The rows whose replication has the region `code` on any side."""
    return (
        Q(**{f"{prefix}asal": code}) | Q(**{f"{prefix}penerima": code}) | Q(**{f"{prefix}fasilitator": code})
    )


def workspace_replications(region: Region) -> QuerySet[Replication]:
    """The region's replications on any side (cancelled ones left out), open ones first, each with the
    start of its next session (`next_session_at`, `next_session_date_only`)."""
    upcoming = MentoringSession.objects.filter(
        replication=OuterRef("pk"), ends_at__gte=timezone.now()
    ).order_by("starts_at")
    return (
        Replication.objects.filter(_of_region(region.code))
        .exclude(phase=Phase.DIBATALKAN)
        .select_related(*REPLICATION_RELATED)
        .annotate(
            next_session_at=Subquery(upcoming.values("starts_at")[:1]),
            next_session_date_only=Subquery(upcoming.values("date_only")[:1]),
            closed=Case(When(phase__in=CLOSED_PHASES, then=True), default=False, output_field=BooleanField()),
        )
        .order_by("closed", F("next_session_at").asc(nulls_last=True), "-updated_at", "-id")
    )


def workspace_requests(region: Region) -> QuerySet[Replication]:
    """Requests to be mentored that wait for the region's answer (it is their daerah asal)."""
    return (
        Replication.objects.filter(asal=region.code, request_state=RequestState.PENDING)
        .exclude(phase__in=CLOSED_PHASES)
        .select_related("app", "penerima")
        .order_by("created_at", "id")
    )


def workspace_questions(region: Region) -> QuerySet[Question]:
    """Open questions the region is to answer: those asked in its replications as asal or fasilitator,
    oldest first (the time to a first answer is measured)."""
    return (
        Question.objects.filter(state=QuestionState.OPEN)
        .filter(Q(replication__asal=region.code) | Q(replication__fasilitator=region.code))
        .select_related("replication__app", "replication__penerima")
        .order_by("asked_at", "id")
    )


def workspace_action_items(region: Region, *, until: datetime.date) -> QuerySet[ActionItem]:
    """The action items the region is responsible for, not done, due on or before `until` (overdue ones
    included), in open replications, soonest first."""
    mine = (
        Q(side=Side.ASAL, replication__asal=region.code)
        | Q(side=Side.PENERIMA, replication__penerima=region.code)
        | Q(side=Side.FASILITATOR, replication__fasilitator=region.code)
    )
    return (
        ActionItem.objects.filter(mine, done_at__isnull=True, due_on__lte=until)
        .exclude(replication__phase__in=CLOSED_PHASES)
        .select_related("replication__app", "replication__asal", "replication__penerima")
        .order_by("due_on", "id")
    )
