"""The national figures behind every chart of the site: `GET /api/v1/stats/timeline/`, `network/`,
`provinces/`, `sla/`, `summary/` and `regions/{code}/` (templates_repo/stats/selectors.py says what each
number counts). Public, not paginated (a row per month, province, region or pair of regions), a constant
number of queries each. `?format=csv` answers the same rows as CSV: what the charts' "Download CSV" links
fetch."""

import csv
import io

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from catalog.choices import AppCategory
from registry.models import Region

from .. import stats


class CSVRenderer(renderers.BaseRenderer):
    """The rows of a stats answer as CSV: the view's `csv_rows` names, per action, the key holding them and
    the serializer of one row, whose fields are the columns (a header even without rows). An error is
    answered in JSON (StatsViewSet.finalize_response)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        key, row_serializer = view.csv_rows[view.action]
        columns = list(row_serializer().fields)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows([row[name] for name in columns] for row in data[key])
        return out.getvalue().encode()


# Query parameters ------------------------------------------------------------------------------------


class ScopeQuerySerializer(serializers.Serializer):
    category = serializers.ChoiceField(
        choices=AppCategory.choices, required=False, allow_blank=True, help_text="Only apps of this category."
    )
    app = serializers.SlugField(
        max_length=140, required=False, allow_blank=True, help_text="Only this app (slug); none: all zeros."
    )

    def scope(self) -> stats.Scope:
        self.is_valid(raise_exception=True)
        fields = ("category", "app", "region")
        return stats.Scope(
            **{key: value for key, value in self.validated_data.items() if key in fields and value}
        )


class TimelineQuerySerializer(ScopeQuerySerializer):
    region = serializers.RegexField(
        r"^\d{2}(\.\d{2})?$",
        max_length=5,
        required=False,
        allow_blank=True,
        help_text="Only this region (Kemendagri code): its adoptions, copies and replications as recipient.",
    )
    months = serializers.IntegerField(
        min_value=1,
        max_value=stats.MAX_MONTHS,
        required=False,
        help_text="Only the last N months (this one included); default: from the first month with data.",
    )

    def timeline(self) -> list[dict]:
        scope = self.scope()
        rows = stats.cached("timeline", scope, lambda: stats.timeline(scope))
        months = self.validated_data.get("months")
        return rows[-months:] if months else rows


# Answers ---------------------------------------------------------------------------------------------


class TimelineMonthSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="The month's first day.")
    adoptions = serializers.IntegerField(help_text="Adoptions dated in the month (their 'since').")
    copies = serializers.IntegerField(help_text="Copies of templates made in the month (succeeded forks).")
    replications = serializers.IntegerField(help_text="Replications opened in the month (not declined).")


class TimelineSerializer(serializers.Serializer):
    months = TimelineMonthSerializer(many=True, help_text="From the first month with data to this month.")


class NodeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The region's Kemendagri code.")
    name = serializers.CharField()
    apps = serializers.IntegerField(help_text="Apps the region built and shares in the catalog.")


class LinkSerializer(serializers.Serializer):
    source = serializers.CharField(
        help_text="Region code: the originating or mentor region; for an MoU the lower code."
    )
    target = serializers.CharField(
        help_text="Region code: the recipient or copying region; for an MoU the higher code."
    )
    kind = serializers.ChoiceField(choices=list(stats.LINK_KINDS))
    value = serializers.IntegerField(help_text="How many MoUs, replications or copies link the two.")


class NetworkSerializer(serializers.Serializer):
    nodes = NodeSerializer(many=True)
    links = LinkSerializer(many=True)


class ProvinceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    short = serializers.CharField(help_text="The short label on the tile map.")
    row = serializers.IntegerField(help_text="The province's row on the tile map (0: northernmost).")
    column = serializers.IntegerField(help_text="Its column (0: westernmost).")
    apps_built = serializers.IntegerField(help_text="Apps whose owner region is in the province.")
    apps_reused = serializers.IntegerField(help_text="Distinct apps adopted by the province's regions.")
    live_copies = serializers.IntegerField(
        help_text="Copies in the province with a report in the last 3 months."
    )


class ProvincesSerializer(serializers.Serializer):
    provinces = ProvinceSerializer(many=True, help_text="All 38, in the tile map's order (west to east).")


class SlaMonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    share = serializers.FloatField(
        allow_null=True, help_text="Percent of resolved reports resolved within the SLA; null without data."
    )
    resolved = serializers.IntegerField(help_text="The resolved reports the share is of.")
    copies = serializers.IntegerField(help_text="The copies whose reports it covers.")


class SlaSerializer(serializers.Serializer):
    months = SlaMonthSerializer(many=True, help_text="The last 12 complete months, oldest first.")


class SummarySerializer(serializers.Serializer):
    apps = serializers.IntegerField()
    regions_building = serializers.IntegerField(help_text="Regions with at least one app in the catalog.")
    adoptions = serializers.IntegerField()
    copies = serializers.IntegerField(help_text="Copies of templates (succeeded forks).")
    live_copies = serializers.IntegerField(help_text="Copies with a service report in the last 3 months.")
    replications = serializers.IntegerField()
    sla_month = serializers.DateField(help_text="The last complete month.")
    sla_share = serializers.FloatField(allow_null=True, help_text="Its share within the SLA, in percent.")
    sla_copies = serializers.IntegerField(help_text="The copies that share covers.")


class RegionCategorySerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=AppCategory.choices)
    built = serializers.IntegerField(help_text="Apps of the category the region built.")
    reused = serializers.IntegerField(help_text="Apps of the category the region uses (adoptions).")


class RegionStatsSerializer(serializers.Serializer):
    region = serializers.CharField()
    categories = RegionCategorySerializer(many=True)


BAD_QUERY = OpenApiResponse(description="A category that does not exist, or a malformed parameter.")


class StatsViewSet(viewsets.ViewSet):
    """The figures behind the site's charts."""

    permission_classes = [AllowAny]
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]
    csv_rows = {
        "timeline": ("months", TimelineMonthSerializer),
        "network": ("links", LinkSerializer),
        "provinces": ("provinces", ProvinceSerializer),
        "sla": ("months", SlaMonthSerializer),
        "summary": ("rows", SummarySerializer),
        "region": ("categories", RegionCategorySerializer),
    }

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            # An unknown ?format= is a bad request, not a missing page.
            raise ValidationError({"format": [_("Answers are in json or csv.")]}) from None

    def finalize_response(self, request, response, *args, **kwargs):
        # An error, or the OPTIONS metadata, is JSON whatever format was asked for: a CSV holds rows.
        renderer = getattr(request, "accepted_renderer", None)
        rows = response.status_code < 400 and self.action in self.csv_rows
        if renderer is not None and renderer.format == "csv" and not rows:
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(parameters=[TimelineQuerySerializer], responses={200: TimelineSerializer, 400: BAD_QUERY})
    @action(detail=False)
    def timeline(self, request):
        """Adoptions, copies and replications per month (of a category, an app or a region)."""
        months = TimelineQuerySerializer(data=request.query_params).timeline()
        return Response(TimelineSerializer({"months": months}).data)

    @extend_schema(responses={200: NetworkSerializer})
    @action(detail=False)
    def network(self, request):
        """Who learns from whom: regions and the MoUs, replications and copies between them."""
        # The selector's rows as they are (plain values, in NetworkSerializer's shape, which documents
        # them): thousands of links through a serializer would cost more than the queries.
        return Response(stats.cached("network", stats.EVERYTHING, stats.network))

    @extend_schema(parameters=[ScopeQuerySerializer], responses={200: ProvincesSerializer, 400: BAD_QUERY})
    @action(detail=False)
    def provinces(self, request):
        """Apps built, apps reused and live copies reporting, per province (of a category or an app)."""
        scope = ScopeQuerySerializer(data=request.query_params).scope()
        return Response(
            ProvincesSerializer(
                {"provinces": stats.cached("provinces", scope, lambda: stats.provinces(scope))}
            ).data
        )

    @extend_schema(responses={200: SlaSerializer})
    @action(detail=False)
    def sla(self, request):
        """The share of the reports copies resolved within their SLA, per month."""
        return Response(SlaSerializer({"months": stats.cached("sla", stats.EVERYTHING, stats.sla)}).data)

    @extend_schema(responses={200: SummarySerializer})
    @action(detail=False)
    def summary(self, request):
        """The national figures of the home page and the dashboard."""
        data = SummarySerializer(stats.cached("summary", stats.EVERYTHING, stats.summary)).data
        if request.accepted_renderer.format == "csv":
            data = {"rows": [dict(data)]}
        return Response(data)

    @extend_schema(
        responses={200: RegionStatsSerializer, 404: OpenApiResponse(description="No such region.")}
    )
    @action(detail=False, url_path=r"regions/(?P<code>\d{2}(?:\.\d{2})?)", url_name="region")
    def region(self, request, code: str):
        """What a region built and what it reuses, per category of app."""
        region = get_object_or_404(Region, code=code)
        return Response(
            RegionStatsSerializer({"region": region.code, "categories": stats.region_categories(region)}).data
        )
