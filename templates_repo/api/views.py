import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from config.openapi import SLUG_PATTERN, path_parameter
from config.uploads import file_response

from .. import rendering, selectors, services
from ..choices import ForkStatus
from ..filtersets import ForkFilterSet
from ..models import Fork, Template, TemplateVersion
from .serializers import (
    ForkRequestSerializer,
    ForkSerializer,
    PreviewRequestSerializer,
    PreviewSerializer,
    TemplateDetailSerializer,
    TemplateSerializer,
)

PREVIEW_LIMITS = rendering.RenderLimits(max_files=500, max_bytes=5 * 1024 * 1024, max_seconds=10.0)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This Idempotency-Key was used with another request."
    default_code = "idempotency_conflict"


def _nested_context_errors(exc: DjangoValidationError) -> dict:
    return {"context": exc.message_dict} if hasattr(exc, "error_dict") else {"context": exc.messages}


TEMPLATE_SLUG = path_parameter(
    "slug", pattern=SLUG_PATTERN, example="pengaduan", description="The template's slug."
)


@extend_schema_view(retrieve=extend_schema(parameters=[TEMPLATE_SLUG]))
class TemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """Cookiecutter templates of catalog apps, with their versions and parameter schemas."""

    queryset = Template.objects.select_related("app", "mentor_region", "mentor_agency").prefetch_related(
        Prefetch("versions", queryset=TemplateVersion.objects.order_by("-number"))
    )
    serializer_class = TemplateSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN.strip("^$")
    pagination_class = None
    throttle_scope = None  # "preview" on the preview action: the ScopedRateThrottle rate of that name

    def get_serializer_class(self):
        return TemplateDetailSerializer if self.action == "retrieve" else TemplateSerializer

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.throttle_scope and not any(isinstance(t, ScopedRateThrottle) for t in throttles):
            throttles.append(ScopedRateThrottle())
        return throttles

    @extend_schema(
        parameters=[TEMPLATE_SLUG],
        request=PreviewRequestSerializer,
        responses={
            200: PreviewSerializer,
            403: OpenApiResponse(
                description="The user may not fork for the region (staff, or its developers, editors and "
                "administrators may)."
            ),
            429: OpenApiResponse(
                description="Too many previews: each user has the `preview` rate (30 a minute unless "
                "configured); Retry-After says when to try again."
            ),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated], throttle_scope="preview")
    def preview(self, request, slug=None):
        """Render the template with a context and return the file tree and README; nothing is stored.

        For the region (the template's mentor region unless given) the fork rule applies: staff, or a
        developer, editor or admin member of the region. Throttled per user (scope `preview`).
        """
        template = self.get_object()
        body = PreviewRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        number = body.validated_data.get("version")
        version = selectors.template_version_get(template_slug=template.slug, number=number)
        if version is None:
            raise ValidationError({"version": [_("This template has no such version.")]})
        region = body.validated_data.get("region") or template.mentor_region
        if not services.user_can_fork(request.user, region):
            raise PermissionDenied(
                _("Only the region's developers, editors and administrators can preview templates for it.")
            )
        try:
            context = services.fork_context(
                version=version, region=region, requested=body.validated_data["context"]
            )
        except DjangoValidationError as exc:
            raise ValidationError(_nested_context_errors(exc)) from exc
        with tempfile.TemporaryDirectory(prefix="lumbung-preview-") as tmp:
            workdir = Path(tmp)
            try:
                template_dir = services.template_dir_of(version)
                result = rendering.render_template(
                    template_dir, context, workdir / "out", limits=PREVIEW_LIMITS
                )
            except (rendering.RenderError, rendering.TemplateDefinitionError) as exc:
                raise ValidationError({"context": [str(exc)]}) from exc
            readme = result.root / "README.md"
            text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
        return Response(
            {
                "version": version.number,
                "files": result.files,
                "total_bytes": result.total_bytes,
                "readme": text,
            }
        )


class ForkViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A region's own copies of templates. Users see only the forks of their own regions."""

    serializer_class = ForkSerializer
    filterset_class = ForkFilterSet
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Fork.objects.visible_to(self.request.user).select_related(
            "template", "version", "region", "requested_by"
        )

    @extend_schema(
        request=ForkRequestSerializer,
        responses={
            202: ForkSerializer,
            409: OpenApiResponse(description="This Idempotency-Key was used with another request."),
        },
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
    )
    def create(self, request, *args, **kwargs):
        body = ForkRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key", "").strip() or None
        if key is not None and len(key) > 100:
            raise ValidationError({"Idempotency-Key": [_("At most 100 characters.")]})
        try:
            fork, _created = services.fork_request(
                user=request.user,
                template_slug=body.validated_data["template"],
                region_code=body.validated_data["region"],
                context=body.validated_data["context"],
                version_number=body.validated_data.get("version"),
                idempotency_key=key,
            )
        except services.IdempotencyConflict:
            raise Conflict(_("This Idempotency-Key was used with another request.")) from None
        except DjangoValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"context": exc.messages}
            if set(errors) - {"template", "version", "region"}:
                errors = {"context": errors}
            raise ValidationError(errors) from exc
        data = ForkSerializer(fork, context=self.get_serializer_context()).data
        return Response(
            data, status=status.HTTP_202_ACCEPTED, headers={"Location": f"/api/v1/forks/{fork.pk}/"}
        )

    @extend_schema(responses={(200, "application/zip"): bytes})
    @action(detail=True, methods=["get"])
    def archive(self, request, pk=None):
        fork = self.get_object()
        if fork.status != ForkStatus.SUCCEEDED or not fork.archive:
            raise Http404
        filename = services.fork_archive_filename(fork)
        return file_response(fork.archive, content_type="application/zip", filename=filename)

    @extend_schema(
        request=None,
        responses={200: ForkSerializer, 400: OpenApiResponse(description="The fork has already finished.")},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        fork = self._changeable(self.get_object())
        services.fork_cancel(fork=fork)
        return Response(ForkSerializer(fork, context=self.get_serializer_context()).data)

    @extend_schema(
        request=None,
        responses={
            202: ForkSerializer,
            400: OpenApiResponse(description="Only a failed fork can be retried."),
        },
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        fork = self._changeable(self.get_object())
        services.fork_retry(fork=fork)
        return Response(
            ForkSerializer(fork, context=self.get_serializer_context()).data, status=status.HTTP_202_ACCEPTED
        )

    def _changeable(self, fork: Fork) -> Fork:
        if not services.user_can_fork(self.request.user, fork.region):
            raise PermissionDenied(
                _("Only the region's developers, editors and administrators can change its forks.")
            )
        return fork
