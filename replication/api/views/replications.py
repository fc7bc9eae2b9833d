"""Replications: read by anyone; requested, answered, moved through the phases and evaluated by their
regions (services.replications)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.parsers import JSONParser

from ... import selectors, services
from ...filtersets import ReplicationFilterSet
from ..serializers import (
    AcceptSerializer,
    DeclineSerializer,
    EvaluationSerializer,
    PhaseMoveSerializer,
    ReplicationDetailSerializer,
    ReplicationRequestSerializer,
    ReplicationSerializer,
)
from .common import DetailResponseMixin

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


class ReplicationViewSet(
    DetailResponseMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Replications of apps between regions (asal → penerima), public to read. The recipient's
    editors/admins ask (`POST`), the originating region's accept or decline, either moves the phases, the
    recipient records the evaluation; staff may do anything."""

    serializer_class = ReplicationSerializer
    detail_serializer_class = ReplicationDetailSerializer
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

    def detail_queryset(self):
        return selectors.replication_api_detail()

    def _act(self, serializer_class, service) -> Response:
        """The body parsed by `serializer_class`, given to `service` with the user and the replication
        (found, and the user's side checked, first); the replication as it is then."""
        replication = self.get_object()
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        replication = service(user=self.request.user, replication=replication, **body.validated_data)
        return self.detail_response(replication)

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
        return self.detail_response(replication, created=True)

    @extend_schema(
        request=PhaseMoveSerializer, responses=ReplicationDetailSerializer, examples=[PHASE_EXAMPLE]
    )
    @action(detail=True, methods=["post"])
    def phase(self, request, pk=None):
        """Move to the next phase, back to an earlier one (with a `reason`), or cancel (`dibatalkan`, with
        a `reason`). Editors/admins of the originating or the recipient region."""
        return self._act(PhaseMoveSerializer, services.replication_move_phase)

    @extend_schema(request=AcceptSerializer, responses=ReplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Agree to mentor, naming the mentor. Editors/admins of the originating region."""
        return self._act(AcceptSerializer, services.replication_accept)

    @extend_schema(request=DeclineSerializer, responses=ReplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline to mentor, saying why; the replication is cancelled. Editors/admins of the originating
        region."""
        return self._act(DeclineSerializer, services.replication_decline)

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
