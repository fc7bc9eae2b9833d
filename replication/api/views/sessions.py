"""Bimtek sessions and their materials."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
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
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, PermissionDenied

from config.parsers import FormParser, JSONParser, MultiPartParser
from config.uploads import file_response
from registry import permissions

from ... import selectors, services
from ...filtersets import MentoringSessionFilterSet
from ...models import SessionMaterial
from ...validators import ODP, PDF, PPTX, material_type
from ..serializers import (
    MaterialSerializer,
    MaterialUploadSerializer,
    MentoringSessionSerializer,
    MentoringSessionWriteSerializer,
)
from .common import DetailResponseMixin, PatchModelViewSet, created_response

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
class MentoringSessionViewSet(DetailResponseMixin, PatchModelViewSet):
    """Bimtek sessions of replications, public to read; scheduled by the originating region's (or the
    facilitator's) editors/admins. Times carry their offset; Asia/Jakarta is +07:00."""

    serializer_class = detail_serializer_class = MentoringSessionSerializer
    filterset_class = MentoringSessionFilterSet
    denied_messages = dict.fromkeys(
        ("POST", "PATCH", "DELETE"),
        gettext_lazy("Only the replication's regions' editors and administrators can do this."),
    )

    def get_queryset(self):
        return selectors.session_list()

    def detail_queryset(self):
        return selectors.session_list()

    def create(self, request, *args, **kwargs):
        body = MentoringSessionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        session = services.session_create(user=request.user, replication=data.pop("replication"), **data)
        return self.detail_response(session, created=True)

    def partial_update(self, request, *args, **kwargs):
        session = self.get_object()
        body = MentoringSessionWriteSerializer(session, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        session = services.session_update(user=request.user, session=session, **body.validated_data)
        return self.detail_response(session)

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
        return created_response(data, request.build_absolute_uri(location))

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
