"""One FilterSet per listed model, shared by the API and the pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from catalog.filtersets import TrueFalseFilter
from config.filters import IdFilter
from registry.choices import RegionKind
from registry.models import Region

from . import selectors
from .choices import ForkStatus
from .models import Fork


class ForkFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ForkStatus.choices)
    template = django_filters.CharFilter(label=_("Template (slug)"), field_name="template__slug")
    region = django_filters.CharFilter(label=_("Region (code)"), field_name="region_id")
    replication = IdFilter(label=_("Replication (id)"), field_name="replication_id")

    class Meta:
        model = Fork
        fields = ("status", "template", "region", "replication")


class FleetFilterSet(django_filters.FilterSet):
    """The fleet of a template's copies (`selectors.fleet`): by province, behind the newest version or
    not. The page and the API filter with it; a value it does not know is a 400 with field errors."""

    province = django_filters.ModelChoiceFilter(
        label=_("Province (code)"),
        queryset=Region.objects.filter(kind=RegionKind.PROVINCE),
        to_field_name="code",
        method="filter_province",
    )
    behind = TrueFalseFilter(label=_("Behind the newest version"), method="filter_behind")

    class Meta:
        model = Fork
        fields = ("province", "behind")

    def filter_province(self, queryset, name, value):
        return selectors.fleet_of_province(queryset, value.code)

    def filter_behind(self, queryset, name, value):
        return selectors.fleet_behind(queryset, value)
