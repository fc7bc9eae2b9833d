"""Questions to the mentors and the answers in their threads."""

import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from catalog.api.serializers import AppRefSerializer

from ...choices import Side
from ...models import Answer, Question, Replication
from .common import OfficialNameField


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
