"""The fleet of a template: `GET /api/v1/templates/{slug}/fleet/`, every copy of the template the user may
see (region, version, how far behind the newest, last update, replication) and the public counts per
version.

Not paginated: a template's copies are bounded by the regions that took it (552 at most, each with a
few copies at most), the summary counts them all anyway, and the page shows them on one screen too.
Filters: `FleetFilterSet` (`province`, `behind`), the same as the page's; a bad value is a 400.
"""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from registry import permissions

from .. import selectors
from ..filtersets import FleetFilterSet
from ..models import Fork, Template


class FleetVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(source="number")
    copies = serializers.IntegerField(help_text="Copies at this version now.")


class FleetSummarySerializer(serializers.Serializer):
    newest_version = serializers.IntegerField(source="newest", allow_null=True)
    total = serializers.IntegerField(help_text="Every copy of the template (succeeded forks).")
    behind = serializers.IntegerField(help_text="Copies at an older version than the newest.")
    versions = FleetVersionSerializer(many=True, help_text="Every version, newest first.")


class FleetReplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.HyperlinkedIdentityField(view_name="api:replication-detail")
    phase = serializers.CharField()


class FleetCopySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The copy itself, for the users who may open it.")
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    province = serializers.CharField(source="region.province_id", allow_null=True)
    version = serializers.IntegerField(source="version.number", help_text="The version it was made from.")
    at_version = serializers.IntegerField(
        source="at_number", help_text="The version it is at: the newest update the region applied."
    )
    behind_by = serializers.IntegerField(help_text="Versions between it and the newest (0: up to date).")
    last_update_at = serializers.DateTimeField(
        allow_null=True, help_text="When its latest update was asked for; null if never."
    )
    replication = FleetReplicationSerializer(allow_null=True)

    class Meta:
        model = Fork
        fields = (
            "id", "url", "region", "region_name", "province", "version", "at_version", "behind_by",
            "last_update_at", "created_at", "replication", "demo",
        )  # fmt: skip
        extra_kwargs = {"demo": {"help_text": "An example copy of the demo data, not made by the region."}}

    def get_url(self, fork) -> str | None:
        if not fork.may_open:
            return None
        return self.context["request"].build_absolute_uri(reverse("api:fork-detail", kwargs={"pk": fork.pk}))


class FleetSerializer(serializers.Serializer):
    template = serializers.CharField(help_text="The template's slug.")
    sees_all = serializers.BooleanField(
        help_text="Whether `copies` holds every region's copy (staff and the mentor region's members) or "
        "only those of the user's own regions (nobody's for anonymous users)."
    )
    summary = FleetSummarySerializer(help_text="Public counts of all copies, whatever the filters.")
    copies = FleetCopySerializer(many=True, help_text="The copies the user may see, under the filters.")


FLEET_SCHEMA_PARAMETERS = [
    OpenApiParameter(
        "province",
        {"type": "string", "pattern": r"^(\d{2})?$"},
        OpenApiParameter.QUERY,
        description="Only the copies of the regions of this province (Kemendagri code, e.g. 33); empty: all.",
    ),
    OpenApiParameter(
        "behind",
        {"type": "boolean"},
        OpenApiParameter.QUERY,
        description="true: only copies behind the newest version; false: only those at it.",
    ),
]


def fleet_response(view, request, slug: str) -> Response:
    template = get_object_or_404(Template, slug=slug)
    filterset = FleetFilterSet(request.query_params, queryset=selectors.fleet(template, user=request.user))
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    data = {
        "template": template.slug,
        "sees_all": permissions.may_see_fleet(request.user, template.mentor_region_id),
        "summary": selectors.fleet_summary(template),
        "copies": filterset.qs,
    }
    return Response(FleetSerializer(data, context=view.get_serializer_context()).data)
