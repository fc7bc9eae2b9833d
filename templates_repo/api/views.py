from dataclasses import asdict

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from config.errors import error_dict, nested_detail
from config.openapi import SLUG_PATTERN, path_parameter
from config.uploads import file_response
from registry import permissions

from .. import services
from ..choices import ForkStatus
from ..filtersets import ForkFilterSet
from ..models import Fork, Template, TemplateVersion
from . import compare as compare_api
from . import fleet as fleet_api
from . import results as results_api
from . import updates
from .errors import Conflict
from .serializers import (
    ForkRequestSerializer,
    ForkSerializer,
    PreviewRequestSerializer,
    PreviewSerializer,
    TemplateDetailSerializer,
    TemplateSerializer,
)

# The fields of a fork request that name what to fork; any other error is about the context.
REQUEST_FIELDS = frozenset({"template", "version", "region"})


def _fork_request_errors(exc: DjangoValidationError) -> dict:
    """A refused fork request as the API answers it: errors of the request's own fields as they are, the
    context's nested under `context`."""
    if hasattr(exc, "error_dict") and set(exc.error_dict) <= REQUEST_FIELDS:
        return error_dict(exc)
    return {"context": nested_detail(exc)}


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
    @action(detail=True, methods=["post"], throttle_scope="preview")
    def preview(self, request, slug=None):
        """Render the template with a context and return the file tree and README; nothing is stored.

        For the region (the template's mentor region unless given) the fork rule applies: staff, or a
        developer, editor or admin member of the region. Throttled per user (scope `preview`).
        """
        # Not get_object(): the object permission is the region's, which `services.fork_preview` checks.
        template = get_object_or_404(Template.objects.select_related("mentor_region"), slug=slug)
        body = PreviewRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            preview = services.fork_preview(
                user=request.user,
                template=template,
                region=body.validated_data.get("region"),
                version_number=body.validated_data.get("version"),
                context=body.validated_data["context"],
            )
        except services.ContextError as exc:
            raise ValidationError({"context": nested_detail(exc)}) from exc
        return Response(asdict(preview))

    @extend_schema(
        parameters=[TEMPLATE_SLUG, *fleet_api.FLEET_SCHEMA_PARAMETERS],
        responses={200: fleet_api.FleetSerializer},
    )
    @action(detail=True, methods=["get"])
    def fleet(self, request, slug=None):
        """Every copy of the template the user may see, with the version it is at and how far behind the
        newest it is, and the public counts per version (api/fleet.py). Staff and the mentor region's
        members see every region's copies; others those of their own regions; anonymous users none."""
        return fleet_api.fleet_response(self, request, slug)

    @extend_schema(
        parameters=[TEMPLATE_SLUG, *compare_api.COMPARE_PARAMETERS], responses=compare_api.COMPARE_RESPONSES
    )
    @action(detail=True, methods=["get"])
    def compare(self, request, slug=None):
        """Two versions of the template, as rendered with its default settings: the files that change
        and each text file's diff (computed once per pair of versions, then kept)."""
        return compare_api.compare_response(request, slug)


class ForkViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A region's own copies of templates. Users see only the forks of their own regions."""

    serializer_class = ForkSerializer
    filterset_class = ForkFilterSet
    # Signed-in users only, reads included (a region's copies are its own); cancel and retry need the
    # fork rule for the fork's region (registry/permissions.py).
    permission_classes = [IsAuthenticated, permissions.RegionObjectPermission]
    write_action = permissions.Action.ADOPT
    denied_messages = {
        "POST": gettext_lazy("Only the region's developers, editors and administrators can change its forks.")
    }

    def get_queryset(self):
        return Fork.objects.restrict(self.request.user).select_related(
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
            raise ValidationError(_fork_request_errors(exc)) from exc
        data = ForkSerializer(fork, context=self.get_serializer_context()).data
        location = reverse("api:fork-detail", kwargs={"pk": fork.pk})
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

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
        fork = self.get_object()  # the fork rule for its region: RegionObjectPermission, write_action
        services.fork_cancel(fork=fork)
        return Response(ForkSerializer(fork, context=self.get_serializer_context()).data)

    @updates.UPDATE_REQUEST_SCHEMA
    @action(detail=True, methods=["post"], url_path="updates")
    def updates(self, request, pk=None):
        """Ask for the patch that takes this copy to a newer version of its template (an asynchronous job:
        follow the update at its `Location`, then download its patch)."""
        return updates.request_update(self, request, self.get_object())

    @extend_schema(methods=["GET"], **results_api.RESULTS_SCHEMA["get"])
    @extend_schema(methods=["POST"], **results_api.RESULTS_SCHEMA["post"])
    @action(
        detail=True,
        methods=["get", "post"],
        authentication_classes=results_api.RESULTS_AUTHENTICATION,
        permission_classes=[],
        throttle_classes=results_api.RESULTS_THROTTLES,
        filter_backends=[],
        pagination_class=None,
    )
    def results(self, request, pk=None):
        """A copy's monthly service results: reported with the copy's reporting key, read by its members."""
        return results_api.results(self, request, pk)

    @extend_schema(methods=["GET"], **results_api.KEYS_SCHEMA["get"])
    @extend_schema(methods=["POST"], **results_api.KEYS_SCHEMA["post"])
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="reporting-keys",
        filter_backends=[],
        pagination_class=None,
    )
    def reporting_keys(self, request, pk=None):
        """The keys with which this copy reports its results (made by its region's developers, editors
        and administrators; each shown once)."""
        return results_api.reporting_keys(self, request, self.get_object())

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"reporting-keys/(?P<key_id>[0-9]+)",
        filter_backends=[],
        pagination_class=None,
    )
    def revoke_reporting_key(self, request, pk=None, key_id=None):
        """Revoke a reporting key: the copy reporting with it gets 401 from then on."""
        return results_api.revoke_key(self, request, self.get_object(), key_id)

    @extend_schema(
        request=None,
        responses={
            202: ForkSerializer,
            400: OpenApiResponse(description="Only a failed fork can be retried."),
        },
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        fork = self.get_object()
        services.fork_retry(fork=fork)
        return Response(
            ForkSerializer(fork, context=self.get_serializer_context()).data, status=status.HTTP_202_ACCEPTED
        )
