"""Bimtek sessions as iCalendar (RFC 5545, through the `icalendar` package): one session's `.ics` (the
download, and the attachment of the session e-mails) and a region's feed of its upcoming sessions, so
that officials put them in the calendar they already use.

Times are written with TZID=Asia/Jakarta and the VTIMEZONE that defines it. A session keeps one UID
(`session-<id>@<host of the site>`) wherever it appears, and its SEQUENCE is the session's revision
(raised by the services on every change), so a calendar replaces the event it has instead of adding a
second one. Only mentors' names are written: their e-mail and telephone are personal data.

A session deleted before it took place is announced by `cancellation_ics`: METHOD:CANCEL, the session's
UID, a SEQUENCE one above its last revision and STATUS:CANCELLED, so that a calendar drops the event.
"""

import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress

from registry.models import Region

from .choices import Phase
from .models import MentoringSession, SessionCancellation

JAKARTA = ZoneInfo("Asia/Jakarta")
PRODID = "-//Lumbung//Replikasi dan Pendampingan//ID"
# The people who read the calendar are Indonesian officials: descriptions in Bahasa Indonesia.
LANGUAGE = "id"
# Where the site is reached, for links written into calendars and e-mails (there is no request to ask).
DEFAULT_SITE_URL = "http://localhost:8000"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "testserver"}


def site_url() -> str:
    """The site's address without a trailing slash: settings.LUMBUNG_SITE_URL when set; else https and
    the first public name in ALLOWED_HOSTS (a production setting); else the development server's."""
    configured = settings.LUMBUNG_SITE_URL
    if configured:
        return configured.rstrip("/")
    for host in settings.ALLOWED_HOSTS:
        host = host.lstrip(".")
        if host and host != "*" and host not in LOCAL_HOSTS:
            return f"https://{host}"
    return DEFAULT_SITE_URL


def _uid(session_pk: int) -> str:
    host = urlsplit(site_url()).hostname or "lumbung.local"
    return f"session-{session_pk}@{host}"


def session_uid(session: MentoringSession) -> str:
    """The same for a session in the download, the feed and every e-mail, whatever the revision."""
    return _uid(session.pk)


def sessions_for_calendar(queryset: QuerySet[MentoringSession]) -> QuerySet[MentoringSession]:
    """What `session_event` reads, in a fixed number of queries."""
    return queryset.select_related(
        "replication__app", "replication__asal", "replication__penerima", "replication__fasilitator"
    ).prefetch_related("mentors")


def upcoming_sessions(region: Region, *, now: datetime.datetime | None = None):
    """Sessions not yet over of the open replications in which `region` is any side, soonest first."""
    now = now or timezone.now()
    code = region.pk
    sides = Q(replication__asal=code) | Q(replication__penerima=code) | Q(replication__fasilitator=code)
    queryset = (
        MentoringSession.objects.filter(sides, ends_at__gt=now)
        .exclude(replication__phase=Phase.DIBATALKAN)
        .order_by("starts_at", "pk")
    )
    return sessions_for_calendar(queryset)


def _line(text: str) -> str:
    """Text as one line: what users typed may hold line breaks, which a SUMMARY or LOCATION cannot."""
    return " ".join(text.split())


def _description(session: MentoringSession, page_url: str) -> str:
    replication = session.replication
    lines = [
        _("App: %(app)s") % {"app": _line(replication.app.name)},
        _("From %(asal)s to %(penerima)s")
        % {"asal": replication.asal.name, "penerima": replication.penerima.name},
        _("Mode: %(mode)s") % {"mode": session.get_mode_display()},
    ]
    facilitator = replication.fasilitator.name if replication.fasilitator else replication.fasilitator_name
    if facilitator:
        lines.append(_("Facilitator: %(name)s") % {"name": _line(facilitator)})
    mentors = ", ".join(_line(mentor.name) for mentor in session.mentors.all())
    if mentors:
        lines.append(_("Mentors: %(names)s") % {"names": mentors})
    lines.append(_("Replication page: %(url)s") % {"url": page_url})
    return "\n".join(lines)


def _add_times(event: Event, session: MentoringSession | SessionCancellation) -> None:
    if session.date_only:  # a whole day (RFC 5545 DATE values): no time was ever known
        start = session.starts_at.astimezone(JAKARTA).date()
        event.add("dtstart", start)
        event.add(
            "dtend", max(session.ends_at.astimezone(JAKARTA).date(), start) + datetime.timedelta(days=1)
        )
    else:
        event.add("dtstart", session.starts_at.astimezone(JAKARTA))
        event.add("dtend", session.ends_at.astimezone(JAKARTA))


def session_event(session: MentoringSession, *, base_url: str, stamp: datetime.datetime) -> Event:
    """One VEVENT: `base_url` is the site's address the replication page's link starts with."""
    replication = session.replication
    page_url = base_url.rstrip("/") + replication.get_absolute_url()
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", stamp.astimezone(datetime.UTC))
    event.add("created", session.created_at.astimezone(datetime.UTC))
    event.add("last-modified", session.updated_at.astimezone(datetime.UTC))
    event.add("sequence", session.sequence)
    _add_times(event, session)
    event.add("summary", _line(f"{session.topic} — {replication.app.name}"))
    if session.location.strip():
        event.add("location", _line(session.location))
    with translation.override(LANGUAGE):
        event.add("description", _description(session, page_url))
    event.add("url", page_url)
    event.add("status", "CONFIRMED")
    return event


def _calendar(sessions, *, base_url: str, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Jakarta")
    stamp = timezone.now()
    for session in sessions:
        calendar.add_component(session_event(session, base_url=base_url, stamp=stamp))
    if not calendar.walk("VEVENT"):
        # An empty feed still says in which zone its events will be.
        calendar.add_component(Timezone.from_tzinfo(JAKARTA))
    # The VTIMEZONE of Asia/Jakarta for the TZIDs used (inserted before the events).
    calendar.add_missing_timezones()
    return calendar.to_ical()


def session_ics(session: MentoringSession, *, base_url: str | None = None) -> bytes:
    """The `.ics` of one session."""
    with translation.override(LANGUAGE):
        name = _("Mentoring session: %(topic)s") % {"topic": _line(session.topic)}
    return _calendar([session], base_url=base_url or site_url(), name=name)


def cancellation_ics(cancellation: SessionCancellation, *, base_url: str | None = None) -> bytes:
    """The METHOD:CANCEL `.ics` of a deleted session: its UID, a higher SEQUENCE, STATUS:CANCELLED. The
    ORGANIZER (which RFC 5546 asks of a CANCEL) is the address the notices are sent from."""
    replication = cancellation.replication
    page_url = (base_url or site_url()).rstrip("/") + replication.get_absolute_url()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL")
    event = Event()
    event.add("uid", _uid(cancellation.session_pk))
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("sequence", cancellation.sequence)
    _add_times(event, cancellation)
    event.add("summary", _line(f"{cancellation.topic} — {replication.app.name}"))
    if cancellation.location.strip():
        event.add("location", _line(cancellation.location))
    event.add("url", page_url)
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if address:
        organizer = vCalAddress(f"mailto:{address}")
        if name:
            organizer.params["cn"] = name
        event.add("organizer", organizer)
    event.add("status", "CANCELLED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def region_ics(region: Region, *, base_url: str | None = None, now: datetime.datetime | None = None) -> bytes:
    """The feed of `region`'s upcoming sessions (as any side of a replication)."""
    with translation.override(LANGUAGE):
        name = _("Mentoring sessions of %(region)s") % {"region": region.name}
    return _calendar(upcoming_sessions(region, now=now), base_url=base_url or site_url(), name=name)


def session_filename(session: MentoringSession) -> str:
    """Generated from the id and the date only: no user text reaches the header."""
    return f"bimtek-{session.pk}-{session.starts_at.astimezone(JAKARTA):%Y%m%d}.ics"


def cancellation_filename(cancellation: SessionCancellation) -> str:
    return f"bimtek-{cancellation.session_pk}-{cancellation.starts_at.astimezone(JAKARTA):%Y%m%d}-batal.ics"


def region_filename(region: Region) -> str:
    return f"bimtek-{region.pk.replace('.', '-')}.ics"
