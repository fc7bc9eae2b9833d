"""The API of a copy's updates: asked for on the copy (`POST /api/v1/forks/{id}/updates/`), followed as
a status resource (`/api/v1/updates/{id}/`), the patch downloaded (`/patch/`), its application recorded
(`/applied/`)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from config.errors import error_dict
from config.uploads import file_response
from registry import permissions

from .. import services
from ..choices import ForkStatus
from ..filtersets import UpdateFilterSet
from ..models import TemplateUpdate
from .errors import Conflict


class UpdateRequestSerializer(serializers.Serializer):
    to_version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version to update to; the newest when left out."
    )
    from_version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version the copy is at (its .lumbung.json says); what Lumbung knows when left out.",
    )
    values = serializers.DictField(
        required=False,
        default=dict,
        help_text="Values of the parameters the target version adds (required for those without a default).",
    )


class UpdateSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:update-detail")
    fork = serializers.UUIDField(source="fork_id")
    template = serializers.CharField(source="fork.template.slug")
    from_version = serializers.IntegerField(source="from_version.number")
    to_version = serializers.IntegerField(source="to_version.number")
    patch_url = serializers.SerializerMethodField()
    files = serializers.ListField(
        child=serializers.DictField(),
        help_text="Every file the update touches: path, change (added, deleted, modified, renamed), "
        "old_path (of a renamed file), binary.",
    )
    log = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = TemplateUpdate
        fields = (
            "id", "url", "fork", "template", "from_version", "to_version", "context", "status", "progress",
            "log", "error", "changelog", "files", "patch_url", "patch_size", "patch_sha256", "attempts",
            "applied_at", "created_at", "queued_at", "started_at", "finished_at",
        )  # fmt: skip

    def get_patch_url(self, update) -> str | None:
        if update.status != ForkStatus.SUCCEEDED:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("api:update-patch", kwargs={"pk": update.pk})
        )


def request_update(view, request, fork) -> Response:
    """`POST /api/v1/forks/{id}/updates/` (ForkViewSet.updates): 202 with the update and its Location."""
    body = UpdateRequestSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key is not None and len(key) > 100:
        raise ValidationError({"Idempotency-Key": [_("At most 100 characters.")]})
    try:
        update, _created = services.update_request(
            user=request.user,
            fork=fork,
            to_number=body.validated_data.get("to_version"),
            from_number=body.validated_data.get("from_version"),
            values=body.validated_data["values"],
            idempotency_key=key,
        )
    except services.IdempotencyConflict:
        raise Conflict(_("This Idempotency-Key was used with another request.")) from None
    except DjangoValidationError as exc:
        detail = error_dict(exc)
        fields = {"to_version", "from_version", "fork", "values"}
        raise ValidationError(detail if set(detail) <= fields else {"values": detail}) from exc
    data = UpdateSerializer(update, context=view.get_serializer_context()).data
    location = reverse("api:update-detail", kwargs={"pk": update.pk})
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


UPDATE_REQUEST_SCHEMA = extend_schema(
    request=UpdateRequestSerializer,
    responses={
        202: UpdateSerializer,
        400: OpenApiResponse(
            description="The copy is not rendered, is at that version already, or a value is refused or "
            "missing (errors by parameter under `values`)."
        ),
        409: OpenApiResponse(description="This Idempotency-Key was used with another request."),
    },
    parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
)


class UpdateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Updates of a region's copies to newer template versions. Users see those of their own regions."""

    serializer_class = UpdateSerializer
    filterset_class = UpdateFilterSet
    permission_classes = [IsAuthenticated, permissions.RegionObjectPermission]
    write_action = permissions.Action.ADOPT
    denied_messages = {
        "POST": gettext_lazy("Only the region's developers, editors and administrators can update its copy.")
    }

    def get_queryset(self):
        return TemplateUpdate.objects.restrict(self.request.user).select_related(
            "fork__template", "from_version", "to_version"
        )

    @extend_schema(responses={(200, "text/x-patch"): bytes})
    # Not named `patch`: a view's method of that name answers HTTP PATCH.
    @action(detail=True, methods=["get"], url_path="patch", url_name="patch")
    def patch_file(self, request, pk=None):
        """The patch (git format): `git apply --3way update.patch` in the copy's repository."""
        update = self.get_object()
        if update.status != ForkStatus.SUCCEEDED or not update.patch:
            raise Http404
        name = f"{update.fork.template.slug}-v{update.from_version.number}-v{update.to_version.number}.patch"
        return file_response(update.patch, content_type="text/x-patch", filename=name)

    @extend_schema(
        request=None,
        responses={200: UpdateSerializer, 400: OpenApiResponse(description="The update is not prepared.")},
    )
    @action(detail=True, methods=["post"])
    def applied(self, request, pk=None):
        """The region applied the patch: the copy is at the target version (the next update starts there)."""
        update = services.update_mark_applied(update=self.get_object(), user=request.user)
        return Response(UpdateSerializer(update, context=self.get_serializer_context()).data)
