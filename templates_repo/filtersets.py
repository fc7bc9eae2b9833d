"""One FilterSet per listed model, shared by the API and the pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from config.filters import IdFilter

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
