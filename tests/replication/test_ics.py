"""Bimtek sessions as iCalendar: the download and a region's feed parse with a standard parser, times in
Asia/Jakarta, one UID per session whose SEQUENCE follows its changes, only a region's upcoming sessions,
no mentor's personal contact data."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from icalendar import Calendar

from replication import ics, services
from replication.models import Replication
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

SEMARANG, BATANG, BONTANG, JATENG = "33.74", "33.25", "64.74", "33"
JAKARTA = ZoneInfo("Asia/Jakarta")
WIB = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture(autouse=True)
def replication_page(monkeypatch):
    """The replication page is another commit's; until its URL exists, a stand-in of the same form."""
    try:
        reverse("replication:replication-detail", kwargs={"pk": 1})
    except NoReverseMatch:
        monkeypatch.setattr(Replication, "get_absolute_url", lambda self: f"/replikasi/{self.pk}/")


@pytest.fixture
def settings_site(settings):
    settings.LUMBUNG_SITE_URL = "https://lumbung.example"
    return settings


def future(days: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=WIB)


def session_for(penerima=BATANG, asal=SEMARANG, starts_at=None, location="", **kwargs):
    replication = factories.ReplicationFactory(
        app=factories.AppFactory(owner_region=factories.region(asal)),
        penerima=factories.region(penerima),
        **kwargs,
    )
    starts_at = starts_at or future(5)
    return factories.MentoringSessionFactory(
        replication=replication,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        location=location,
    )


def events(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


def test_a_session_ics_is_valid_icalendar_in_jakarta_time(regions, settings_site):
    session = session_for(
        starts_at=datetime.datetime(2027, 3, 4, 2, 0, tzinfo=datetime.UTC), location="Balai Kota"
    )
    mentor = factories.MentorContactFactory(app=session.replication.app, name="Ibu Mentor")
    session.mentors.set([mentor])

    calendar = Calendar.from_ical(ics.session_ics(session))
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    assert "Lumbung" in calendar["PRODID"]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Jakarta"]
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"session-{session.pk}@lumbung.example"
    assert event["SEQUENCE"] == 0
    assert event["DTSTAMP"].dt.tzinfo is not None
    start, end = event["DTSTART"], event["DTEND"]
    assert start.params["TZID"] == end.params["TZID"] == "Asia/Jakarta"
    assert start.dt == datetime.datetime(2027, 3, 4, 9, 0, tzinfo=JAKARTA)
    assert (start.dt.hour, end.dt.hour) == (9, 11)  # 02:00 UTC is 09:00 WIB
    assert session.topic in event["SUMMARY"] and session.replication.app.name in event["SUMMARY"]
    assert event["LOCATION"] == "Balai Kota"
    page = f"https://lumbung.example/replikasi/{session.replication.pk}/"
    assert event["URL"] == page
    description = str(event["DESCRIPTION"])
    assert "Ibu Mentor" in description
    assert "Kota Semarang" in description and "Kabupaten Batang" in description
    assert page in description
    raw = ics.session_ics(session).decode()
    assert mentor.email not in raw and mentor.phone not in raw  # names only
    assert "DTSTART;TZID=Asia/Jakarta:20270304T090000" in raw


def test_sequence_follows_the_sessions_changes_and_the_uid_stays(regions):
    session = session_for()
    editor = member_of(SEMARANG, "editor")
    first = events(ics.session_ics(session))[0]
    moved = services.session_update(user=editor, session=session, starts_at=future(6), ends_at=future(6, 11))
    second = events(ics.session_ics(moved))[0]
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 1)
    assert first["UID"] == second["UID"]
    assert second["DTSTART"].dt == future(6).astimezone(JAKARTA)


def test_the_region_feed_has_only_its_upcoming_sessions(regions):
    mine = session_for(penerima=BATANG)
    as_asal = session_for(penerima=BONTANG, asal=BATANG)
    as_facilitator = session_for(penerima=BONTANG, asal=SEMARANG, fasilitator=factories.region(BATANG))
    session_for(penerima=BONTANG)  # Batang takes no part
    past = session_for(penerima=BATANG, starts_at=future(-3))
    cancelled = session_for(penerima=BATANG, phase="dibatalkan")

    uids = {str(event["UID"]).split("@")[0] for event in events(ics.region_ics(factories.region(BATANG)))}
    assert uids == {f"session-{session.pk}" for session in (mine, as_asal, as_facilitator)}
    assert f"session-{past.pk}" not in uids and f"session-{cancelled.pk}" not in uids


def test_the_site_address_is_the_setting_else_the_first_public_allowed_host(settings):
    settings.LUMBUNG_SITE_URL = "https://lumbung.example/"
    assert ics.site_url() == "https://lumbung.example"
    settings.LUMBUNG_SITE_URL = ""
    settings.ALLOWED_HOSTS = ["localhost", ".lumbung.go.id", "127.0.0.1"]
    assert ics.site_url() == "https://lumbung.go.id"
    settings.ALLOWED_HOSTS = ["localhost", "*"]
    assert ics.site_url() == "http://localhost:8000"


def test_an_empty_feed_is_still_a_calendar_with_its_zone(regions):
    calendar = Calendar.from_ical(ics.region_ics(factories.region(BONTANG)))
    assert calendar.walk("VEVENT") == []
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Jakarta"]


def test_api_feed_is_public_text_calendar(api, regions, django_assert_max_num_queries):
    for _ in range(3):
        session_for(penerima=BATANG)
    with django_assert_max_num_queries(4):  # region, sessions, mentors: not one query per session
        response = api.get(f"/api/v1/regions/{BATANG}/sessions.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="bimtek-33-25.ics"'
    assert len(events(response.content)) == 3


def test_api_feed_answers_a_calendar_client_that_asks_for_text_calendar(api, regions):
    response = api.get(f"/api/v1/regions/{BATANG}/sessions.ics", HTTP_ACCEPT="text/calendar")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"


def test_api_unknown_region_or_session_is_a_json_404(api, regions):
    response = api.get("/api/v1/regions/99.99/sessions.ics", HTTP_ACCEPT="text/calendar")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    response = api.get("/api/v1/mentoring-sessions/999999/ics/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_api_session_download_is_an_attachment_with_a_generated_name(api, regions):
    session = session_for(starts_at=datetime.datetime(2027, 3, 4, 23, 30, tzinfo=WIB))
    session.topic = 'Bimtek "pengaduan"\r\nX-Injected: 1'
    session.save()
    response = api.get(f"/api/v1/mentoring-sessions/{session.pk}/ics/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="bimtek-{session.pk}-20270304.ics"'
    assert "X-Injected" not in response.headers
    [event] = events(response.content)
    assert event["SUMMARY"].startswith('Bimtek "pengaduan"')
    assert event["URL"].startswith("http://testserver/replikasi/")


def test_a_session_whose_time_is_not_known_is_a_whole_day(regions):
    session = factories.MentoringSessionFactory(
        date_only=True,
        starts_at=datetime.datetime(2018, 9, 25, tzinfo=JAKARTA),
        ends_at=datetime.datetime(2018, 9, 25, 23, 59, tzinfo=JAKARTA),
    )
    event = Calendar.from_ical(ics.session_ics(session)).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == datetime.date(2018, 9, 25)
    assert event.decoded("DTEND") == datetime.date(2018, 9, 26)
