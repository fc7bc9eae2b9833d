"""Bimtek sessions as iCalendar: a region's feed of upcoming sessions and one session's `.ics`.

Public reads (a session's date, place and topic are not secret; mentors appear by name only). Routed in
api/urls.py: `regions/{code}/sessions.ics` (a feed to subscribe to, without the router's trailing slash)
and `mentoring-sessions/{id}/ics/`.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import REGION_CODE_PATTERN, path_parameter
from registry.models import Region

from .. import ics
from ..models import MentoringSession

CONTENT_TYPE = "text/calendar; charset=utf-8"

ICS_EXAMPLE = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Lumbung//Replikasi dan Pendampingan//ID\r\n"
    "METHOD:PUBLISH\r\nBEGIN:VTIMEZONE\r\nTZID:Asia/Jakarta\r\n...\r\nEND:VTIMEZONE\r\n"
    "BEGIN:VEVENT\r\nUID:session-1@lumbung.example\r\nSEQUENCE:0\r\n"
    "DTSTART;TZID=Asia/Jakarta:20261210T090000\r\nDTEND;TZID=Asia/Jakarta:20261210T110000\r\n"
    "SUMMARY:Bimtek pengelolaan pengaduan — Program Pelaporan\r\n...\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _calendar_response(description: str) -> dict:
    return {
        (200, "text/calendar"): OpenApiResponse(
            OpenApiTypes.STR,
            description=description,
            examples=[OpenApiExample("iCalendar", value=ICS_EXAMPLE, media_type="text/calendar")],
        )
    }


class CalendarRenderer(BaseRenderer):
    """The views build the body; this names the representation."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class OneRepresentation(BaseContentNegotiation):
    """A calendar is served as a calendar whatever the client's Accept says (a calendar application may
    send none, or `text/calendar`, or a browser's list)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class CalendarView(APIView):
    """The calendar on success; errors (404, 429) in JSON like the rest of the API, whatever was asked."""

    renderer_classes = [CalendarRenderer]
    content_negotiation_class = OneRepresentation
    permission_classes = [AllowAny]  # public reads

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    @staticmethod
    def calendar(body: bytes, filename: str) -> HttpResponse:
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class RegionSessionsCalendar(CalendarView):
    @extend_schema(
        operation_id="regions_sessions_ics",
        tags=["regions"],
        parameters=[
            path_parameter(
                "code",
                pattern=REGION_CODE_PATTERN,
                example="33.25",
                description="Kemendagri code: 33 (a province) or 33.25 (a regency or city).",
            )
        ],
        responses=_calendar_response(
            "The region's upcoming bimtek sessions (as originating, recipient or facilitating region) as an "
            "iCalendar feed (RFC 5545), times in Asia/Jakarta."
        ),
    )
    def get(self, request, code: str):
        """A region's upcoming mentoring sessions as an iCalendar feed to subscribe to."""
        region = get_object_or_404(Region, pk=code)
        body = ics.region_ics(region, base_url=request.build_absolute_uri("/"))
        return self.calendar(body, ics.region_filename(region))


class SessionCalendar(CalendarView):
    @extend_schema(
        operation_id="mentoring_sessions_ics",
        tags=["mentoring-sessions"],
        parameters=[
            OpenApiParameter(
                "id",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description="The session's id.",
            )
        ],
        responses=_calendar_response("The session as an iCalendar file (RFC 5545), times in Asia/Jakarta."),
    )
    def get(self, request, id: int):
        """One mentoring session as an `.ics` file to add to a calendar."""
        queryset = ics.sessions_for_calendar(MentoringSession.objects.all())
        session = get_object_or_404(queryset, pk=id)
        body = ics.session_ics(session, base_url=request.build_absolute_uri("/"))
        return self.calendar(body, ics.session_filename(session))
