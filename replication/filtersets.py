"""One FilterSet per listed model of mentoring: the API viewsets and the web pages use the same classes."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from catalog.filtersets import TrueFalseFilter
from config.filters import IdFilter

from .choices import Phase, QuestionState, ReplicationModel, RequestState, Side
from .models import ActionItem, MentorContact, MentoringSession, Question, Replication


# A date, or empty (what a web form's blank date field sends: no filter).
@extend_schema_field({"type": "string", "anyOf": [{"format": "date"}, {"maxLength": 0}]})
class OptionalDateFilter(django_filters.DateFilter):
    pass


def _any_side(prefix: str, code: str) -> Q:
    return (
        Q(**{f"{prefix}asal": code}) | Q(**{f"{prefix}penerima": code}) | Q(**{f"{prefix}fasilitator": code})
    )


class ReplicationFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(label=_("Region on any side (code)"), method="filter_region")
    app = django_filters.CharFilter(label=_("App (slug)"), field_name="app__slug")
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=Phase.choices)
    model = django_filters.ChoiceFilter(label=_("Model"), choices=ReplicationModel.choices)
    request_state = django_filters.ChoiceFilter(label=_("Request"), choices=RequestState.choices)

    class Meta:
        model = Replication
        fields = ("region", "app", "phase", "model", "request_state")

    def filter_region(self, queryset, name, value):
        return queryset.filter(_any_side("", value))


class MentorContactFilterSet(django_filters.FilterSet):
    app = django_filters.CharFilter(label=_("App (slug)"), field_name="app__slug")
    region = django_filters.CharFilter(label=_("Region (code)"), field_name="region")

    class Meta:
        model = MentorContact
        fields = ("app", "region")


class ActionItemFilterSet(django_filters.FilterSet):
    replication = IdFilter(label=_("Replication (id)"), field_name="replication")
    side = django_filters.ChoiceFilter(label=_("Responsible side"), choices=Side.choices)
    overdue = TrueFalseFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = ActionItem
        fields = ("replication", "side", "overdue")

    def filter_overdue(self, queryset, name, value):
        overdue = Q(due_on__lt=timezone.localdate(), done_at__isnull=True)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class MentoringSessionFilterSet(django_filters.FilterSet):
    replication = IdFilter(label=_("Replication (id)"), field_name="replication")
    region = django_filters.CharFilter(label=_("Region on any side (code)"), method="filter_region")

    class Meta:
        model = MentoringSession
        fields = ("replication", "region")

    def filter_region(self, queryset, name, value):
        return queryset.filter(_any_side("replication__", value))


# `from` and `to` are Python keywords: declared beside the class (the dates are Asia/Jakarta's).
MentoringSessionFilterSet.base_filters["from"] = OptionalDateFilter(
    label=_("Starting on or after (date)"), field_name="starts_at", lookup_expr="date__gte"
)
MentoringSessionFilterSet.base_filters["to"] = OptionalDateFilter(
    label=_("Starting on or before (date)"), field_name="starts_at", lookup_expr="date__lte"
)


class QuestionFilterSet(django_filters.FilterSet):
    replication = IdFilter(label=_("Replication (id)"), field_name="replication")
    app = django_filters.CharFilter(label=_("App (slug)"), field_name="replication__app__slug")
    state = django_filters.ChoiceFilter(label=_("State"), choices=QuestionState.choices)

    class Meta:
        model = Question
        fields = ("replication", "app", "state")
