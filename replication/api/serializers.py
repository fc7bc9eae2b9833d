"""The replication API's shapes. Reading serializers show rows of replication.selectors; writing ones
only parse the request: every write is a service (replication.services), which checks the rules."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api.serializers import AppRefSerializer, FigureValueField
from catalog.models import App
from registry import permissions
from registry.api.serializers import UNKNOWN_REGION, RegionRefSerializer
from registry.models import Agency, MoU, Region, StudyVisit

from ..choices import Phase, ReplicationModel, SessionMode, Side
from ..models import (
    ActionItem,
    Answer,
    Evaluation,
    EvaluationFigure,
    MentorContact,
    MentoringSession,
    PhaseChange,
    Question,
    Replication,
    SessionMaterial,
)


def officials_reading(context) -> bool:
    """Whether the reader is an official (a signed-in member of any region, or staff): who sees people's
    names and contact data, as the pages show them (registry.permissions.may_see_contact_details). Asked
    once per response, however many rows it lists."""
    if "officials_reading" not in context:
        request = context.get("request")
        user = request.user if request is not None else AnonymousUser()
        context["officials_reading"] = permissions.may_see_contact_details(user)
    return context["officials_reading"]


class OfficialNameField(serializers.CharField):
    """A user's name (who asked, answered, moved a phase): for officials only, null for anyone else."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, default=None, allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if officials_reading(self.context) else None


def _absolute(context, url: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


class MentorRefSerializer(serializers.ModelSerializer):
    """A mentor as anyone may read it: who and in which position (contact data: /mentor-contacts/)."""

    class Meta:
        model = MentorContact
        fields = ("id", "name", "position")


# Mentor contacts --------------------------------------------------------------------------------------


class MentorContactSerializer(serializers.ModelSerializer):
    """A mentor contact. `email`, `phone` and `whatsapp_url` are null unless the reader is a signed-in
    member of a region, or staff (registry.permissions.may_see_contact_details)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:mentor-contact-detail")
    app = serializers.SlugRelatedField(slug_field="slug", queryset=App.objects.all())
    app_name = serializers.CharField(source="app.name", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False, allow_null=True, default=None
    )
    agency_name = serializers.CharField(source="agency.name", read_only=True, default=None, allow_null=True)
    email = serializers.EmailField(required=False, allow_blank=True, allow_null=True, max_length=254)
    phone = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=20,
        help_text=_("Indonesian mobile number, e.g. 0812 3456 7890; stored as 62…."),
    )
    whatsapp_url = serializers.SerializerMethodField()

    class Meta:
        model = MentorContact
        fields = (
            "id",
            "url",
            "app",
            "app_name",
            "region",
            "region_name",
            "name",
            "position",
            "agency",
            "agency_name",
            "topics",
            "email",
            "phone",
            "whatsapp_url",
            "created_at",
        )
        read_only_fields = ("created_at",)

    def to_representation(self, contact):
        data = super().to_representation(contact)
        if not officials_reading(self.context):
            data["email"] = data["phone"] = data["whatsapp_url"] = None
        else:
            data["email"], data["phone"] = contact.email or None, contact.phone or None
        return data

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_whatsapp_url(self, contact) -> str | None:
        return f"https://wa.me/{contact.phone}" if contact.phone else None

    def validate(self, attrs):
        for name in ("email", "phone"):
            if name in attrs and attrs[name] is None:
                attrs[name] = ""
        if self.instance is not None:
            attrs.pop("app", None)  # a contact stays with its app
        return attrs


# Replications -----------------------------------------------------------------------------------------


class ReplicationSerializer(serializers.ModelSerializer):
    """A replication in lists."""

    url = serializers.HyperlinkedIdentityField(view_name="api:replication-detail")
    app = AppRefSerializer()
    asal = RegionRefSerializer()
    penerima = RegionRefSerializer()
    fasilitator = RegionRefSerializer(allow_null=True)
    mou = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    mentor = MentorRefSerializer(allow_null=True)
    session_count = serializers.IntegerField(read_only=True)
    question_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Replication
        fields = (
            "id",
            "url",
            "app",
            "asal",
            "penerima",
            "fasilitator",
            "fasilitator_name",
            "model",
            "mou",
            "phase",
            "request_state",
            "mentor",
            "session_count",
            "question_count",
            "created_at",
            "updated_at",
        )


class PhaseChangeSerializer(serializers.ModelSerializer):
    # Plain text in the schema: the values of `phase` (one enum, not three of the same choices).
    from_phase = serializers.CharField(help_text=_("The phase before (empty for the first)."))
    to_phase = serializers.CharField(help_text=_("The phase after."))
    changed_by = OfficialNameField(source="changed_by.username")

    class Meta:
        model = PhaseChange
        fields = ("from_phase", "to_phase", "reason", "changed_by", "changed_at")


class EvaluationFigureSerializer(serializers.ModelSerializer):
    before_value = FigureValueField(max_digits=16, decimal_places=2)
    after_value = FigureValueField(max_digits=16, decimal_places=2)

    class Meta:
        model = EvaluationFigure
        fields = ("label", "unit", "before_value", "before_on", "after_value", "after_on")

    def validate(self, attrs):
        if attrs["after_on"] < attrs["before_on"]:
            raise serializers.ValidationError(
                {"after_on": _("The 'after' measure cannot be older than the 'before' one.")}
            )
        return attrs


class EvaluationSerializer(serializers.ModelSerializer):
    """What the replication changed: written with PUT (replacing the figures), read in the replication."""

    figures = EvaluationFigureSerializer(many=True, required=False, max_length=50)
    recorded_by = OfficialNameField(source="recorded_by.username")

    class Meta:
        model = Evaluation
        fields = ("service_live", "lessons", "figures", "recorded_by", "recorded_at")
        read_only_fields = ("recorded_at",)


class ReplicationDetailSerializer(ReplicationSerializer):
    """A replication with its request, its phase history and its evaluation. (The forks it produced are
    added by templates_repo, which knows them.)"""

    phase_history = PhaseChangeSerializer(source="phase_changes", many=True, read_only=True)
    evaluation = serializers.SerializerMethodField()
    requested_by = OfficialNameField(source="requested_by.username")
    answered_by = OfficialNameField(source="answered_by.username")

    class Meta(ReplicationSerializer.Meta):
        fields = (
            *ReplicationSerializer.Meta.fields,
            "request_message",
            "requested_by",
            "answered_by",
            "answered_at",
            "decline_reason",
            "cancel_reason",
            "phase_history",
            "evaluation",
            "source",
        )

    @extend_schema_field(EvaluationSerializer(allow_null=True))
    def get_evaluation(self, replication):
        evaluation = getattr(replication, "evaluation", None)
        return None if evaluation is None else EvaluationSerializer(evaluation, context=self.context).data


class ReplicationRequestSerializer(serializers.Serializer):
    """Asking the app's owner region (asal) to mentor `penerima`, or starting an independent replication."""

    app = serializers.SlugRelatedField(slug_field="slug", queryset=App.objects.all())
    penerima = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        error_messages=UNKNOWN_REGION,
        help_text=_("Kemendagri code of the recipient region, e.g. 33.25."),
    )
    model = serializers.ChoiceField(choices=ReplicationModel.choices)
    message = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    fasilitator = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        error_messages=UNKNOWN_REGION,
        required=False,
        allow_null=True,
        default=None,
    )
    fasilitator_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=160)
    mou = serializers.PrimaryKeyRelatedField(
        queryset=MoU.objects.all(), required=False, allow_null=True, default=None
    )


class PhaseMoveSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Phase.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class AcceptSerializer(serializers.Serializer):
    mentor = serializers.PrimaryKeyRelatedField(
        queryset=MentorContact.objects.all(), help_text=_("One of the app's mentor contacts.")
    )


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


# Action plan ------------------------------------------------------------------------------------------


class ActionItemSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:action-item-detail")
    replication = serializers.PrimaryKeyRelatedField(queryset=Replication.objects.all())
    side = serializers.ChoiceField(choices=Side.choices)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = ("id", "url", "replication", "title", "side", "person", "due_on", "done_at", "overdue")

    def get_overdue(self, item) -> bool:
        return bool(item.due_on and item.done_at is None and item.due_on < self.context["today"])

    def validate(self, attrs):
        if self.instance is not None:
            attrs.pop("replication", None)  # an item stays in its plan
        return attrs


# Sessions ---------------------------------------------------------------------------------------------


class AgencyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ("id", "name", "short_name")


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
        return _absolute(self.context, url)


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
        fields = (
            "replication",
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


# Questions --------------------------------------------------------------------------------------------


class AnswerSerializer(serializers.ModelSerializer):
    author = OfficialNameField(source="author.username")
    side = serializers.ChoiceField(choices=Side.choices, read_only=True)

    class Meta:
        model = Answer
        fields = ("id", "body", "author", "side", "created_at")
        read_only_fields = ("created_at",)


class QuestionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:question-detail")
    replication = serializers.PrimaryKeyRelatedField(queryset=Replication.objects.all())
    app = AppRefSerializer(source="replication.app", read_only=True)
    asked_by = OfficialNameField(source="asked_by.username")
    time_to_first_answer = serializers.SerializerMethodField(
        help_text=_("Seconds from the question to its first answer; null while unanswered.")
    )

    class Meta:
        model = Question
        fields = (
            "id",
            "url",
            "replication",
            "app",
            "title",
            "body",
            "internal",
            "state",
            "asked_by",
            "asked_at",
            "first_answered_at",
            "time_to_first_answer",
        )
        read_only_fields = ("state", "asked_at", "first_answered_at")

    def get_time_to_first_answer(self, question) -> int | None:
        if question.first_answered_at is None:
            return None
        delta: datetime.timedelta = question.first_answered_at - question.asked_at
        return max(int(delta.total_seconds()), 0)


class QuestionDetailSerializer(QuestionSerializer):
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta(QuestionSerializer.Meta):
        fields = (*QuestionSerializer.Meta.fields, "answers")
