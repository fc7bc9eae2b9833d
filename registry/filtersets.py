"""One FilterSet per listed model: the API viewsets and the web list pages use the same classes."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from .choices import MoUStatus, RegionKind, VisitKind
from .models import MoU, MoUParty, Region, StudyVisit


@extend_schema_field({"type": "integer", "minimum": datetime.MINYEAR, "maximum": datetime.MAXYEAR})
class YearFilter(django_filters.NumberFilter):
    """The year of a date column: a whole number from 1 to 9999, else a field error.

    Those are the years a date can have: the `__year` lookup turns the value into a date range, which fails
    (a 500) for year 0, 10000 or 1e17. A whole number, so that 2020.5 is an error, not an empty list.
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "year")
        kwargs.setdefault("min_value", datetime.MINYEAR)
        kwargs.setdefault("max_value", datetime.MAXYEAR)
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None  # max_value already bounds it


class RegionFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=RegionKind.choices)
    province = django_filters.CharFilter(label=_("Province (code)"), method="filter_province")
    search = django_filters.CharFilter(label=_("Search (name or code)"), method="filter_search")

    class Meta:
        model = Region
        fields = ("kind", "province", "search")

    def filter_province(self, queryset, name, value):
        # The province itself and every regency and city in it.
        return queryset.filter(Q(province=value) | Q(code=value))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))


class MoUFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(label=_("Region (code of any party)"), method="filter_region")
    province = django_filters.CharFilter(label=_("Province (code)"), method="filter_province")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=MoUStatus.choices, field_name="current_status"
    )
    year = YearFilter(label=_("Year signed"), field_name="signed_on")
    search = django_filters.CharFilter(label=_("Search"), method="filter_search")

    class Meta:
        model = MoU
        fields = ("region", "province", "status", "year", "search")

    def filter_region(self, queryset, name, value):
        return queryset.filter(Exists(MoUParty.objects.filter(mou=OuterRef("pk"), region=value)))

    def filter_province(self, queryset, name, value):
        parties = MoUParty.objects.filter(mou=OuterRef("pk")).filter(
            Q(region__province=value) | Q(region=value)
        )
        return queryset.filter(Exists(parties))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        parties = MoUParty.objects.filter(mou=OuterRef("pk")).filter(
            Q(region__name__icontains=value) | Q(region__code=value) | Q(signatory_name__icontains=value)
        )
        return queryset.filter(
            Q(title__icontains=value)
            | Q(number__icontains=value)
            | Q(scope__icontains=value)
            | Exists(parties)
        )


class StudyVisitFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(label=_("Region (visiting or host code)"), method="filter_region")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=VisitKind.choices)
    year = YearFilter(label=_("Year"), field_name="visited_on")
    search = django_filters.CharFilter(label=_("Search"), method="filter_search")

    class Meta:
        model = StudyVisit
        fields = ("region", "kind", "year", "search")

    def filter_region(self, queryset, name, value):
        hosted = StudyVisit.host_regions.through.objects.filter(studyvisit=OuterRef("pk"), region=value)
        return queryset.filter(Q(visiting_region=value) | Exists(hosted))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(purpose__icontains=value)
            | Q(notes__icontains=value)
            | Q(leader__icontains=value)
            | Q(visiting_region__name__icontains=value)
        )
