"""The replication API: reads through replication.selectors (narrowed by registry.permissions where rows
are not public), every write through replication.services, which checks which side may do it
(registry.permissions.REPLICATION_RULES). RegionObjectPermission refuses early a user who acts for
none of the object's regions."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.response import Response

from config.parsers import FormParser, JSONParser, MultiPartParser
from config.uploads import file_response
from registry import permissions

from .. import selectors, services
from ..filtersets import (
    ActionItemFilterSet,
    MentorContactFilterSet,
    MentoringSessionFilterSet,
    QuestionFilterSet,
    ReplicationFilterSet,
)
from ..models import SessionMaterial
from ..validators import ODP, PDF, PPTX, material_type
from .serializers import (
    AcceptSerializer,
    ActionItemSerializer,
    AnswerSerializer,
    DeclineSerializer,
    EvaluationSerializer,
    MaterialSerializer,
    MaterialUploadSerializer,
    MentorContactSerializer,
    MentoringSessionSerializer,
    MentoringSessionWriteSerializer,
    PhaseMoveSerializer,
    QuestionDetailSerializer,
    QuestionSerializer,
    ReplicationDetailSerializer,
    ReplicationRequestSerializer,
    ReplicationSerializer,
)

WRITE_METHODS = ["get", "post", "patch", "delete", "head", "options"]

# Examples from the demo: Bontang (64.74) asking Semarang (33.74) about its complaint app.
REQUEST_EXAMPLE = OpenApiExample(
    "Bontang asks Semarang to mentor it",
    value={
        "app": "program-pelaporan-kota-semarang",
        "penerima": "64.74",
        "model": "kemitraan",
        "message": "Mohon pendampingan penanganan laporan warga.",
        "fasilitator": None,
        "fasilitator_name": "",
        "mou": None,
    },
    request_only=True,
)
PHASE_EXAMPLE = OpenApiExample(
    "Back to preparation, with a reason",
    value={"phase": "persiapan", "reason": "Tim replikasi belum terbentuk."},
    request_only=True,
)
EVALUATION_EXAMPLE = OpenApiExample(
    "Reports answered within the SLA",
    value={
        "service_live": True,
        "lessons": "Mulai dari penanganan laporan warga.",
        "figures": [
            {
                "label": "Laporan dijawab sesuai SLA",
                "unit": "%",
                "before_value": "40.00",
                "before_on": "2026-01-31",
                "after_value": "85.50",
                "after_on": "2026-11-30",
            }
        ],
    },
    request_only=True,
)
SESSION_EXAMPLE = OpenApiExample(
    "A bimtek at Balai Kota Semarang (Asia/Jakarta, +07:00)",
    value={
        "replication": 1,
        "starts_at": "2026-12-10T09:00:00+07:00",
        "ends_at": "2026-12-10T12:00:00+07:00",
        "mode": "kunjungan",
        "topic": "Command Center dan penanganan laporan warga",
        "location": "Balai Kota Semarang",
        "mentors": [],
        "participants": 90,
        "agencies": [],
        "minutes": "",
    },
    request_only=True,
)


def _created(data, location: str) -> Response:
    return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


# Replications -----------------------------------------------------------------------------------------


class ReplicationViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Replications of apps between regions (asal → penerima), public to read. The recipient's
    editors/admins ask (`POST`), the originating region's accept or decline, either moves the phases, the
    recipient records the evaluation; staff may do anything."""

    serializer_class = ReplicationSerializer
    filterset_class = ReplicationFilterSet
    denied_messages = {
        "POST": gettext_lazy("Only the replication's regions' editors and administrators can do this."),
        "PUT": gettext_lazy("Only the recipient region's editors and administrators evaluate."),
    }

    def get_queryset(self):
        if self.action == "list":
            return selectors.replication_api_list()
        return selectors.replication_api_detail()

    def get_serializer_class(self):
        return ReplicationSerializer if self.action == "list" else ReplicationDetailSerializer

    def _detail(self, replication, status_code=status.HTTP_200_OK) -> Response:
        replication = selectors.replication_api_detail().get(pk=replication.pk)
        data = ReplicationDetailSerializer(replication, context=self.get_serializer_context()).data
        if status_code == status.HTTP_201_CREATED:
            return _created(data, data["url"])
        return Response(data, status=status_code)

    @extend_schema(
        request=ReplicationRequestSerializer,
        responses={201: ReplicationDetailSerializer},
        examples=[REQUEST_EXAMPLE],
    )
    def create(self, request, *args, **kwargs):
        """Ask the app's owner region to mentor (`kemitraan`, or `fasilitasi` through a facilitator), or
        start an independent (`mandiri`) replication. Editors/admins of the recipient region, or staff."""
        body = ReplicationRequestSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        replication = services.replication_request(user=request.user, message=data.pop("message"), **data)
        return self._detail(replication, status.HTTP_201_CREATED)

    @extend_schema(
        request=PhaseMoveSerializer, responses=ReplicationDetailSerializer, examples=[PHASE_EXAMPLE]
    )
    @action(detail=True, methods=["post"])
    def phase(self, request, pk=None):
        """Move to the next phase, back to an earlier one (with a `reason`), or cancel (`dibatalkan`, with
        a `reason`). Editors/admins of the originating or the recipient region."""
        replication = self.get_object()
        body = PhaseMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        replication = services.replication_move_phase(
            user=request.user, replication=replication, **body.validated_data
        )
        return self._detail(replication)

    @extend_schema(request=AcceptSerializer, responses=ReplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Agree to mentor, naming the mentor. Editors/admins of the originating region."""
        replication = self.get_object()
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        replication = services.replication_accept(
            user=request.user, replication=replication, mentor=body.validated_data["mentor"]
        )
        return self._detail(replication)

    @extend_schema(request=DeclineSerializer, responses=ReplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline to mentor, saying why; the replication is cancelled. Editors/admins of the originating
        region."""
        replication = self.get_object()
        body = DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        replication = services.replication_decline(
            user=request.user, replication=replication, reason=body.validated_data["reason"]
        )
        return self._detail(replication)

    @extend_schema(
        request=EvaluationSerializer, responses=EvaluationSerializer, examples=[EVALUATION_EXAMPLE]
    )
    @action(detail=True, methods=["put"], parser_classes=[JSONParser])  # the figures are a list of objects
    def evaluation(self, request, pk=None):
        """Record (or replace) the evaluation in the `evaluasi` phase: whether the service is live, the
        lessons learned and before/after figures (the figures sent replace the recorded ones).
        Editors/admins of the recipient region."""
        replication = self.get_object()
        body = EvaluationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        evaluation = services.evaluation_record(
            user=request.user,
            replication=replication,
            service_live=data.get("service_live", False),
            lessons=data.get("lessons", ""),
            figures=[services.FigureInput(**figure) for figure in data.get("figures", [])],
        )
        evaluation = type(evaluation).objects.prefetch_related("figures").get(pk=evaluation.pk)
        return Response(EvaluationSerializer(evaluation, context=self.get_serializer_context()).data)


# Mentor contacts --------------------------------------------------------------------------------------


class MentorContactViewSet(viewsets.ModelViewSet):
    """Whom to ask about an app ("tempat bertanya"): people of the app's owner region, managed by its
    editors/admins. E-mail, phone and WhatsApp link only for signed-in members of a region and staff."""

    serializer_class = MentorContactSerializer
    filterset_class = MentorContactFilterSet
    http_method_names = WRITE_METHODS
    denied_messages = {
        "PATCH": gettext_lazy(
            "Only the app's owner region's editors and administrators manage its contacts."
        ),
        "DELETE": gettext_lazy(
            "Only the app's owner region's editors and administrators manage its contacts."
        ),
    }

    def get_queryset(self):
        return selectors.mentor_contact_list()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        contact = services.mentor_contact_create(user=self.request.user, app=data.pop("app"), **data)
        serializer.instance = selectors.mentor_contact_list().get(pk=contact.pk)

    def perform_update(self, serializer):
        contact = services.mentor_contact_update(
            user=self.request.user, contact=serializer.instance, **serializer.validated_data
        )
        serializer.instance = selectors.mentor_contact_list().get(pk=contact.pk)

    def perform_destroy(self, instance):
        services.mentor_contact_delete(user=self.request.user, contact=instance)


# Action plan ------------------------------------------------------------------------------------------


class ActionItemViewSet(viewsets.ModelViewSet):
    """A replication's action plan: read by the members of its regions and staff, kept by their
    editors/admins. `overdue`: due before today (Asia/Jakarta) and not done."""

    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilterSet
    http_method_names = WRITE_METHODS
    denied_messages = {
        "PATCH": gettext_lazy("Only the replication's regions' editors and administrators keep its plan."),
        "DELETE": gettext_lazy("Only the replication's regions' editors and administrators keep its plan."),
    }

    def get_queryset(self):
        return selectors.action_item_list(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        item = services.action_item_create(
            user=self.request.user, replication=data.pop("replication"), **data
        )
        serializer.instance = item

    def perform_update(self, serializer):
        serializer.instance = services.action_item_update(
            user=self.request.user, item=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.action_item_delete(user=self.request.user, item=instance)


# Sessions ---------------------------------------------------------------------------------------------

MATERIAL_ID = OpenApiParameter("mid", int, OpenApiParameter.PATH, description="The material's id.")


@extend_schema_view(
    create=extend_schema(
        request=MentoringSessionWriteSerializer,
        responses={201: MentoringSessionSerializer},
        examples=[SESSION_EXAMPLE],
    ),
    partial_update=extend_schema(
        request=MentoringSessionWriteSerializer, responses=MentoringSessionSerializer
    ),
)
class MentoringSessionViewSet(viewsets.ModelViewSet):
    """Bimtek sessions of replications, public to read; scheduled by the originating region's (or the
    facilitator's) editors/admins. Times carry their offset; Asia/Jakarta is +07:00."""

    serializer_class = MentoringSessionSerializer
    filterset_class = MentoringSessionFilterSet
    http_method_names = WRITE_METHODS
    denied_messages = {
        method: gettext_lazy("Only the replication's regions' editors and administrators can do this.")
        for method in ("POST", "PATCH", "DELETE")
    }

    def get_queryset(self):
        return selectors.session_list()

    def _detail(self, session, status_code=status.HTTP_200_OK) -> Response:
        session = selectors.session_list().get(pk=session.pk)
        data = MentoringSessionSerializer(session, context=self.get_serializer_context()).data
        if status_code == status.HTTP_201_CREATED:
            return _created(data, data["url"])
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        body = MentoringSessionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        session = services.session_create(user=request.user, replication=data.pop("replication"), **data)
        return self._detail(session, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        session = self.get_object()
        body = MentoringSessionWriteSerializer(session, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        session = services.session_update(user=request.user, session=session, **body.validated_data)
        return self._detail(session)

    def perform_destroy(self, instance):
        services.session_delete(user=self.request.user, session=instance)

    @extend_schema(
        request={
            "multipart/form-data": MaterialUploadSerializer,
            "application/json": MaterialUploadSerializer,
        },
        responses={201: MaterialSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="materials",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def materials(self, request, pk=None):
        """Add a material: a PDF or slide deck (PPTX, ODP; checked by its content and size) as `file`
        (multipart), or a link as `url`. Editors/admins of the originating region or the facilitator."""
        session = self.get_object()
        body = MaterialUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        material = services.material_add(user=request.user, session=session, **body.validated_data)
        data = MaterialSerializer(material, context=self.get_serializer_context()).data
        # The session lists its materials (a link's `url` is elsewhere).
        location = reverse("api:mentoring-session-detail", kwargs={"pk": session.pk})
        return _created(data, request.build_absolute_uri(location))

    @extend_schema(
        parameters=[MATERIAL_ID],
        responses={
            (200, PDF[1]): OpenApiResponse(OpenApiTypes.BINARY, description="A PDF."),
            (200, PPTX[1]): OpenApiResponse(OpenApiTypes.BINARY, description="A PPTX slide deck."),
            (200, ODP[1]): OpenApiResponse(OpenApiTypes.BINARY, description="An ODP slide deck."),
            403: OpenApiResponse(description="Materials are for signed-in members of a region and staff."),
        },
    )
    @action(detail=True, methods=["get"], url_path=r"materials/(?P<mid>[0-9]+)", url_name="material")
    def material(self, request, pk=None, mid=None):
        """Download an uploaded material, with the type found by reading it (a link is in the session).
        For signed-in members of a region and staff, as on the pages."""
        session = self.get_object()
        if not permissions.may_see_contact_details(request.user):
            if not request.user.is_authenticated:
                raise NotAuthenticated
            raise PermissionDenied(_("Materials are for signed-in members of a region and staff."))
        material = get_object_or_404(SessionMaterial, session=session, pk=mid)
        if not material.file:
            raise Http404
        try:
            extension, content_type = material_type(material.file)
        except FileNotFoundError:
            raise Http404 from None
        filename = f"materi-{session.pk}-{material.pk}.{extension}"
        return file_response(material.file, content_type=content_type, filename=filename)


# Questions --------------------------------------------------------------------------------------------


class QuestionViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Questions of the recipient region to its mentors ("tanya mentor"). Public once answered unless
    internal; otherwise read by the replication's regions' members and staff. The recipient's members
    (developers included) ask; the originating region's or the facilitator's answer."""

    serializer_class = QuestionSerializer
    filterset_class = QuestionFilterSet
    write_action = permissions.Action.ADOPT
    denied_messages = {"POST": gettext_lazy("Only the replication's regions take part in its questions.")}

    def get_queryset(self):
        return selectors.question_list(self.request.user, with_answers=self.action == "retrieve")

    def get_serializer_class(self):
        return QuestionDetailSerializer if self.action == "retrieve" else QuestionSerializer

    def _detail(self, question, status_code=status.HTTP_200_OK) -> Response:
        question = selectors.question_list(self.request.user, with_answers=True).get(pk=question.pk)
        data = QuestionDetailSerializer(question, context=self.get_serializer_context()).data
        if status_code == status.HTTP_201_CREATED:
            return _created(data, data["url"])
        return Response(data, status=status_code)

    @extend_schema(request=QuestionSerializer, responses={201: QuestionDetailSerializer})
    def create(self, request, *args, **kwargs):
        body = QuestionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        question = services.question_ask(user=request.user, **body.validated_data)
        return self._detail(question, status.HTTP_201_CREATED)

    @extend_schema(request=AnswerSerializer, responses={201: AnswerSerializer})
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        """Post to the thread: an answer of the originating region or the facilitator (developers
        included), or a follow-up of the recipient (which opens the question again)."""
        question = self.get_object()
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answer = services.answer_post(user=request.user, question=question, body=body.validated_data["body"])
        location = reverse("api:question-detail", kwargs={"pk": question.pk})
        data = AnswerSerializer(answer, context=self.get_serializer_context()).data
        return _created(data, request.build_absolute_uri(location))

    @extend_schema(request=None, responses=QuestionDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the question (either side)."""
        question = services.question_close(user=request.user, question=self.get_object())
        return self._detail(question)
