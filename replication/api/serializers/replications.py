"""Replications: lists and detail (with phases and evaluation), the request, the phase moves and
answers, and the action plan."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api.serializers import AppRefSerializer, FigureValueField
from catalog.models import App
from registry.api.serializers import UNKNOWN_REGION, RegionRefSerializer
from registry.models import MoU, Region

from ...choices import Phase, ReplicationModel, Side
from ...models import ActionItem, Evaluation, EvaluationFigure, MentorContact, PhaseChange, Replication
from .common import MentorRefSerializer, OfficialNameField


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
