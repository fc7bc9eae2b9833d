from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from registry.api.serializers import UNKNOWN_REGION
from registry.models import Region, region_code_validator

from .. import rendering
from ..choices import ForkStatus
from ..models import Fork, Template, TemplateVersion


class TemplateParameterSerializer(serializers.Serializer):
    """One parameter of a template version (rendering.parameter_schema_json)."""

    name = serializers.CharField()
    type = serializers.CharField()
    default = serializers.JSONField(allow_null=True)
    choices = serializers.ListField(child=serializers.JSONField())
    label = serializers.CharField()
    help = serializers.CharField()


class ParameterChangesSerializer(serializers.Serializer):
    added = serializers.ListField(child=serializers.CharField(), required=False)
    removed = serializers.ListField(child=serializers.CharField(), required=False)
    changed = serializers.ListField(child=serializers.CharField(), required=False)


class TemplateVersionSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="number")
    parameters = TemplateParameterSerializer(many=True)
    parameter_changes = ParameterChangesSerializer(
        help_text="The parameters this version added, removed or changed against the previous one "
        "(empty for the first version)."
    )

    class Meta:
        model = TemplateVersion
        fields = ("version", "content_hash", "changelog", "parameter_changes", "parameters", "created_at")


class TemplateSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:template-detail", lookup_field="slug")
    app = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    mentor_region = serializers.CharField(source="mentor_region.code")
    mentor_region_name = serializers.CharField(source="mentor_region.name")
    mentor_agency = serializers.CharField(source="mentor_agency.name", default=None, allow_null=True)
    latest_version = serializers.SerializerMethodField()

    class Meta:
        model = Template
        fields = (
            "slug", "url", "name", "description", "category", "app", "mentor_region", "mentor_region_name",
            "mentor_agency", "latest_version",
        )  # fmt: skip

    def get_latest_version(self, template) -> int | None:
        versions = list(template.versions.all())
        return max((version.number for version in versions), default=None)


class TemplateDetailSerializer(TemplateSerializer):
    versions = TemplateVersionSerializer(many=True)

    class Meta(TemplateSerializer.Meta):
        fields = (*TemplateSerializer.Meta.fields, "versions")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Batang's values", value={"region": "33.25", "context": {"sla_hours": 24}}, request_only=True
        )
    ]
)
class PreviewRequestSerializer(serializers.Serializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, error_messages=UNKNOWN_REGION
    )
    version = serializers.IntegerField(required=False, min_value=1)
    context = serializers.DictField(required=False, default=dict)


class PreviewSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    files = serializers.ListField(child=serializers.CharField())
    total_bytes = serializers.IntegerField()
    readme = serializers.CharField()


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "description": "Values for the template's parameters, by name; the rest take their defaults.",
        "example": {"sla_hours": 24},
    }
)
class ContextField(serializers.JSONField):
    """Any JSON in, so that a value that is not an object gets a field error rather than a parse error."""


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Pengaduan for Batang",
            value={"template": "pengaduan", "region": "33.25", "context": {"sla_hours": 24}},
            request_only=True,
        )
    ]
)
class ForkRequestSerializer(serializers.Serializer):
    # A slug and a code: the service looks the version up with its template and mentor, and the region with
    # its province and the permission check, one query each.
    template = serializers.SlugField(max_length=60)
    version = serializers.IntegerField(required=False, min_value=1)
    region = serializers.CharField(max_length=5, validators=[region_code_validator])
    context = ContextField(required=False, default=dict)

    def validate_context(self, value):
        # The renderer's own check (the service checks the values against the version's schema).
        try:
            return rendering.check_mapping(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class ForkSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:fork-detail")
    template = serializers.CharField(source="template.slug")
    version = serializers.IntegerField(source="version.number")
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    requested_by = serializers.CharField(source="requested_by.username")
    archive_url = serializers.SerializerMethodField()
    log = serializers.ListField(child=serializers.CharField(), help_text="Time-stamped progress lines.")
    context = serializers.DictField(help_text="The parameter values the fork was rendered with.")
    replication = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The replication this copy is part of (the region's open replication of the app, or an "
        "independent one the fork opened); null for a template of no catalog app or the app's own region.",
    )

    class Meta:
        model = Fork
        fields = (
            "id", "url", "template", "version", "region", "region_name", "requested_by", "status", "progress",
            "log", "error", "context", "archive_url", "archive_size", "archive_sha256", "file_count",
            "attempts", "replication",
            "created_at", "queued_at", "started_at", "finished_at", "catalog_recorded_at",
        )  # fmt: skip

    def get_archive_url(self, fork) -> str | None:
        if fork.status != ForkStatus.SUCCEEDED:
            return None
        return self.context["request"].build_absolute_uri(reverse("api:fork-archive", kwargs={"pk": fork.pk}))
