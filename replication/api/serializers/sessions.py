"""Bimtek sessions: read with their mentors, agencies and materials; scheduling; adding a material."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api.serializers import AppRefSerializer
from registry.models import Agency, StudyVisit

from ...choices import SessionMode
from ...models import MentorContact, MentoringSession, Replication, SessionMaterial
from .common import AgencyRefSerializer, MentorRefSerializer, absolute_url

# What is read of a session and written to it, in this order (the schema's).
SESSION_FIELDS = (
    "starts_at",
    "ends_at",
    "mode",
    "study_visit",
    "topic",
    "location",
    "mentors",
    "participants",
    "agencies",
    "minutes",
)


class MaterialSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = SessionMaterial
        fields = ("id", "title", "kind", "url")

    @extend_schema_field(serializers.ChoiceField(choices=["file", "link"]))
    def get_kind(self, material) -> str:
        return "file" if material.file else "link"

    @extend_schema_field(serializers.URLField())
    def get_url(self, material) -> str:
        """An uploaded file through the API's download route (never a /media/ address); a link as given."""
        if not material.file:
            return material.url
        url = reverse(
            "api:mentoring-session-material", kwargs={"pk": material.session_id, "mid": material.pk}
        )
        return absolute_url(self.context, url)


class MentoringSessionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:mentoring-session-detail")
    replication = serializers.PrimaryKeyRelatedField(read_only=True)
    app = AppRefSerializer(source="replication.app", read_only=True)
    asal = serializers.CharField(source="replication.asal_id", read_only=True)
    penerima = serializers.CharField(source="replication.penerima_id", read_only=True)
    mentors = MentorRefSerializer(many=True, read_only=True)
    agencies = AgencyRefSerializer(many=True, read_only=True)
    materials = MaterialSerializer(many=True, read_only=True)
    study_visit = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = MentoringSession
        fields = (
            "id",
            "url",
            "replication",
            "app",
            "asal",
            "penerima",
            *SESSION_FIELDS,
            "materials",
            "sequence",
            "source",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class MentoringSessionWriteSerializer(serializers.ModelSerializer):
    """Scheduling or changing a session; times with their offset (Asia/Jakarta is +07:00)."""

    replication = serializers.PrimaryKeyRelatedField(queryset=Replication.objects.all())
    mode = serializers.ChoiceField(choices=SessionMode.choices)
    study_visit = serializers.PrimaryKeyRelatedField(
        queryset=StudyVisit.objects.all(), required=False, allow_null=True
    )
    mentors = serializers.PrimaryKeyRelatedField(
        queryset=MentorContact.objects.all(), many=True, required=False, help_text=_("Mentor contact ids.")
    )
    agencies = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        many=True,
        required=False,
        help_text=_("Ids of the recipient region's agencies taking part."),
    )

    class Meta:
        model = MentoringSession
        fields = ("replication", *SESSION_FIELDS)

    def validate(self, attrs):
        if self.instance is not None:
            attrs.pop("replication", None)  # a session stays with its replication
        starts = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        ends = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        if starts and ends and ends <= starts:
            raise serializers.ValidationError({"ends_at": _("A session ends after it starts.")})
        return attrs


class MaterialUploadSerializer(serializers.Serializer):
    """A material: a PDF or slide deck (`file`, multipart) or a link (`url`), not both."""

    title = serializers.CharField(max_length=200)
    file = serializers.FileField(required=False, help_text=_("A PDF, PPTX or ODP file."))
    url = serializers.URLField(required=False, allow_blank=True, default="", max_length=200)

    def validate(self, attrs):
        if bool(attrs.get("file")) == bool(attrs.get("url")):
            raise serializers.ValidationError({"file": _("Give a file or a link, not both.")})
        return attrs
