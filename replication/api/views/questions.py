"""Questions to the mentors and their threads."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action

from registry import permissions

from ... import selectors, services
from ...filtersets import QuestionFilterSet
from ..serializers import AnswerSerializer, QuestionDetailSerializer, QuestionSerializer
from .common import DetailResponseMixin, created_response


class QuestionViewSet(
    DetailResponseMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Questions of the recipient region to its mentors ("tanya mentor"). Public once answered unless
    internal; otherwise read by the replication's regions' members and staff. The recipient's members
    (developers included) ask; the originating region's or the facilitator's answer."""

    serializer_class = QuestionSerializer
    detail_serializer_class = QuestionDetailSerializer
    filterset_class = QuestionFilterSet
    write_action = permissions.Action.ADOPT
    denied_messages = {"POST": gettext_lazy("Only the replication's regions take part in its questions.")}

    def get_queryset(self):
        return selectors.question_list(self.request.user, with_answers=self.action == "retrieve")

    def get_serializer_class(self):
        return QuestionDetailSerializer if self.action == "retrieve" else QuestionSerializer

    def detail_queryset(self):
        return selectors.question_list(self.request.user, with_answers=True)

    @extend_schema(request=QuestionSerializer, responses={201: QuestionDetailSerializer})
    def create(self, request, *args, **kwargs):
        body = QuestionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        question = services.question_ask(user=request.user, **body.validated_data)
        return self.detail_response(question, created=True)

    @extend_schema(request=AnswerSerializer, responses={201: AnswerSerializer})
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        """Post to the thread: an answer of the originating region or the facilitator (developers
        included), or a follow-up of the recipient (which opens the question again)."""
        question = self.get_object()
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answer = services.answer_post(user=request.user, question=question, body=body.validated_data["body"])
        location = reverse("api:question-detail", kwargs={"pk": question.pk})
        data = AnswerSerializer(answer, context=self.get_serializer_context()).data
        return created_response(data, request.build_absolute_uri(location))

    @extend_schema(request=None, responses=QuestionDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the question (either side)."""
        question = services.question_close(user=request.user, question=self.get_object())
        return self.detail_response(question)
