"""One FilterSet per listed model, shared by the API and the pages."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from catalog.filtersets import TrueFalseFilter
from config.filters import IdFilter
from registry.choices import RegionKind
from registry.models import Region

from . import selectors
from .choices import ForkStatus
from .models import Fork, TemplateUpdate


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


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^$|^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$",
        "description": "A copy's id (a UUID); empty for every copy. Anything else is a 400.",
    }
)
class CopyIdFilter(django_filters.UUIDFilter):
    """A copy's id. Typed as text in the schema: an empty value means no filter, as for every filter."""


class UpdateFilterSet(django_filters.FilterSet):
    """A copy's updates (the API's list; the copy's page lists its own)."""

    fork = CopyIdFilter(label=_("Copy (id)"), field_name="fork_id")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ForkStatus.choices)

    class Meta:
        model = TemplateUpdate
        fields = ("fork", "status")
