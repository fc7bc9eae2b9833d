"""The API of a copy's service results: the copy reports a month (`POST /api/v1/forks/{id}/results/`
with `Authorization: Bearer <reporting key>`), members read them, and manage the copy's reporting keys
(`/api/v1/forks/{id}/reporting-keys/`); anyone reads an app's copies' results
(`GET /api/v1/apps/{slug}/results/`)."""

import csv
import io

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import (
    AuthenticationFailed,
    NotAuthenticated,
    PermissionDenied,
    ValidationError,
)
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from catalog.models import App
from config.errors import error_dict
from config.openapi import SLUG_PATTERN, path_parameter
from replication.api.serializers.replications import EvaluationSerializer
from replication.models import Replication

from .. import selectors, services
from ..models import Fork, ReportingKey, ServiceReport


class ReportingKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer <reporting key>`: the copy the key belongs to, and nothing else (only the
    results endpoint lists this class). An unknown or revoked key is a 401."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != b"bearer":
            return None
        if len(words) != 2:
            raise AuthenticationFailed(_("Send the header as: Authorization: Bearer <reporting key>."))
        key = services.reporting_key_authenticate(words[1].decode("utf-8", errors="replace"))
        if key is None:
            raise AuthenticationFailed(_("This reporting key is wrong or has been revoked."))
        return AnonymousUser(), key

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="lumbung-reporting"'


class ReportingKeyScheme(OpenApiAuthenticationExtension):
    target_class = ReportingKeyAuthentication
    name = "reportingKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A copy's reporting key (made on the copy's page or with POST "
            "/api/v1/forks/{id}/reporting-keys/); it reports for that copy and does nothing else.",
        }


class ReportingKeyThrottle(SimpleRateThrottle):
    """Requests per reporting key (the `reporting` rate); other requests are left to the defaults."""

    scope = "reporting"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ReportingKey):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None


RESULTS_AUTHENTICATION = [ReportingKeyAuthentication, *api_settings.DEFAULT_AUTHENTICATION_CLASSES]
RESULTS_THROTTLES = [ReportingKeyThrottle, *api_settings.DEFAULT_THROTTLE_CLASSES]


class ReportSubmitSerializer(serializers.Serializer):
    month = serializers.CharField(max_length=7, help_text="The month reported, YYYY-MM (not ahead).")
    figures = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="{key: number} for the figures the copy's template version declares (a percentage or a "
        "median may be null); numbers only.",
    )


class ServiceReportSerializer(serializers.ModelSerializer):
    month = serializers.DateField(format="%Y-%m")
    figures = serializers.DictField(child=serializers.FloatField(allow_null=True))
    version = serializers.IntegerField(source="version_number")

    class Meta:
        model = ServiceReport
        fields = ("month", "figures", "version", "demo", "first_reported_at", "reported_at")


class ReportingKeySerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username")

    class Meta:
        model = ReportingKey
        fields = ("id", "name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at")


class NewReportingKeySerializer(ReportingKeySerializer):
    key = serializers.CharField(help_text="The key itself: shown in this answer only, never again.")

    class Meta(ReportingKeySerializer.Meta):
        fields = (*ReportingKeySerializer.Meta.fields, "key")


class KeyRequestSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="What the key is for, e.g. the server."
    )


def _fork_or_404(pk) -> Fork:
    try:
        return get_object_or_404(Fork.objects.select_related("region"), pk=pk)
    except (DjangoValidationError, ValueError):
        raise Http404 from None


RESULTS_SCHEMA = {
    "get": dict(
        request=None,
        responses={200: ServiceReportSerializer(many=True)},
        description="The months this copy reported, newest first: for its region's members, or with its "
        "reporting key.",
    ),
    "post": dict(
        request=ReportSubmitSerializer,
        responses={
            200: ServiceReportSerializer,
            201: ServiceReportSerializer,
            400: OpenApiResponse(description="Field errors; nothing was stored."),
            401: OpenApiResponse(description="No reporting key, or a wrong or revoked one."),
        },
        description="Report a month of this copy's service results with its reporting key (`Authorization: "
        "Bearer <key>`). 201 when the month is new; 200 when it replaces what the month said before.",
    ),
}


def results(view, request, pk) -> Response:
    """`GET|POST /api/v1/forks/{id}/results/` (ForkViewSet.results)."""
    fork = _fork_or_404(pk)
    key = request.auth if isinstance(request.auth, ReportingKey) else None
    if key is not None and key.fork_id != fork.pk:
        raise AuthenticationFailed(_("This reporting key reports for another copy."))
    if request.method == "POST":
        if key is None:
            if request.user.is_authenticated:
                raise PermissionDenied(_("A copy reports its results with its reporting key."))
            raise NotAuthenticated(_("Send the copy's reporting key: Authorization: Bearer <key>."))
        body = ReportSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            report, created = services.service_report_submit(
                key=key, month=body.validated_data["month"], figures=body.validated_data["figures"]
            )
        except services.ReportRefused as refused:
            raise ValidationError(refused.errors) from None
        except DjangoValidationError as exc:
            raise ValidationError(error_dict(exc)) from exc
        return Response(
            ServiceReportSerializer(report).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
    if key is None:
        if not request.user.is_authenticated:
            raise NotAuthenticated
        if not Fork.objects.restrict(request.user).filter(pk=fork.pk).exists():
            raise Http404
    return Response(ServiceReportSerializer(selectors.fork_reports(fork), many=True).data)


KEYS_SCHEMA = {
    "get": dict(request=None, responses={200: ReportingKeySerializer(many=True)}),
    "post": dict(
        request=KeyRequestSerializer,
        responses={
            201: NewReportingKeySerializer,
            400: OpenApiResponse(description="The copy has not finished."),
        },
        description="A new reporting key for this copy (developers, editors and administrators of its "
        "region). The key is in this answer only; Lumbung keeps its hash.",
    ),
}


def reporting_keys(view, request, fork: Fork) -> Response:
    """`GET|POST /api/v1/forks/{id}/reporting-keys/` (ForkViewSet.reporting_keys): `fork` comes from
    `get_object()`, so a POST has passed the fork rule for its region."""
    if request.method == "POST":
        body = KeyRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            key, raw = services.reporting_key_create(
                user=request.user, fork=fork, name=body.validated_data.get("name", "")
            )
        except DjangoValidationError as exc:
            raise ValidationError(error_dict(exc)) from exc
        key.key = raw
        return Response(NewReportingKeySerializer(key).data, status=status.HTTP_201_CREATED)
    keys = fork.reporting_keys.select_related("created_by").order_by("-created_at")
    return Response(ReportingKeySerializer(keys, many=True).data)


def revoke_key(view, request, fork: Fork, key_id) -> Response:
    """`DELETE /api/v1/forks/{id}/reporting-keys/{key_id}/`: revoked (kept, for the record)."""
    key = get_object_or_404(ReportingKey.objects.select_related("fork"), pk=key_id, fork=fork)
    services.reporting_key_revoke(user=request.user, key=key)
    return Response(status=status.HTTP_204_NO_CONTENT)


class AppResultsSerializer(serializers.Serializer):
    figures = serializers.ListField(
        child=serializers.DictField(),
        help_text="The figures the newest template version declares: key, label, unit, aggregate, sla, of "
        "and, for a count split into parts, breakdown [{key, label}]; labels in the request's language.",
    )
    months = serializers.ListField(child=serializers.CharField(), help_text="Every month reported, YYYY-MM.")
    copies = serializers.ListField(
        child=serializers.DictField(),
        help_text="Per copy with reports: region {code, name}, template, demo (demo data, not a region's "
        "report) and reports [{month, figures, version, reported_at}], oldest first.",
    )


APP_SLUG = path_parameter(
    "slug", pattern=SLUG_PATTERN, example="program-pelaporan-kota-semarang", description="The app's slug."
)


class ResultsCSVRenderer(renderers.BaseRenderer):
    """An app's results as CSV: `rows` (flat_rows), the columns of the app's figures. An error is
    answered in JSON (AppResultsView.finalize_response)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data["rows"]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["region_code", "region", "month"],
                                lineterminator="\r\n")  # fmt: skip
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().encode()


def flat_rows(results: dict) -> list[dict]:
    """An app's results as CSV rows: one per copy and month, one column per figure key."""
    keys = [
        column["key"] for figure in results["figures"] for column in (figure.get("breakdown") or [figure])
    ]
    return [
        {"region_code": copy["region"]["code"], "region": copy["region"]["name"], "demo": copy["demo"],
         "month": report["month"], **{key: report["figures"].get(key) for key in keys}}
        for copy in results["copies"]
        for report in copy["reports"]
    ]  # fmt: skip


class AppResultsView(APIView):
    """`GET /api/v1/apps/{slug}/results/`: what the copies of an app report, month by month, one entry per
    copy (its region). Public, like the app. `?format=csv`: a row per copy and month."""

    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, ResultsCSVRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        # An error or the OPTIONS metadata is JSON whatever format was asked for: a CSV holds rows.
        renderer = getattr(request, "accepted_renderer", None)
        rows = isinstance(response.data, dict) and "rows" in response.data
        if renderer is not None and renderer.format == "csv" and not rows:
            request.accepted_renderer, request.accepted_media_type = (
                renderers.JSONRenderer(),
                "application/json",
            )
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        parameters=[APP_SLUG],
        responses={200: AppResultsSerializer},
    )
    def get(self, request, slug):
        app = get_object_or_404(App.objects.only("pk", "slug"), slug=slug)
        results = selectors.app_results(app=app, language=get_language() or "id")
        if request.accepted_renderer.format == "csv":
            return Response({"rows": flat_rows(results)})
        return Response(results)


class FromReportsSerializer(serializers.Serializer):
    before = serializers.CharField(
        max_length=7, help_text="The month before, YYYY-MM, as the copy reported it."
    )
    after = serializers.CharField(max_length=7, help_text="The month after, YYYY-MM (later than `before`).")


class EvaluationFromReportsView(APIView):
    """`POST /api/v1/replications/{id}/evaluation/from-reports/`: the evaluation's before/after figures
    taken from two months the replication's copy reported (the recipient's editors and administrators,
    in the evaluation phase; figures of the same measure are replaced, the others kept)."""

    @extend_schema(
        request=FromReportsSerializer,
        responses={
            200: EvaluationSerializer,
            400: OpenApiResponse(description="Field errors: a malformed month, or no copy reported both."),
            403: OpenApiResponse(description="Only the recipient region's editors and administrators."),
        },
    )
    def post(self, request, pk):
        replication = get_object_or_404(Replication.objects.restrict(request.user), pk=pk)
        body = FromReportsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            evaluation = services.evaluation_from_reports(
                user=request.user, replication=replication, **body.validated_data
            )
        except DjangoValidationError as exc:
            raise ValidationError(error_dict(exc)) from exc
        evaluation = (
            type(evaluation)
            .objects.prefetch_related("figures")
            .select_related("recorded_by")
            .get(pk=evaluation.pk)
        )
        return Response(EvaluationSerializer(evaluation).data)
