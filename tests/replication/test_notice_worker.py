"""Replication notices on a real `celery worker` process (the configured broker, the test database, mail
written to files): a service's notice queued on commit, a task delivered twice, the daily task."""

import datetime
import time
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.utils import timezone
from icalendar import Calendar

from replication import services
from replication.choices import NoticeKind
from replication.models import Notice
from replication.tasks import send_daily_notices, send_notice
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.worker

SEMARANG, BATANG = "33.74", "33.25"
WIB = datetime.timezone(datetime.timedelta(hours=7))


def wait_for(predicate, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail("Timed out waiting for the worker")
        time.sleep(0.1)


def mails(mail_dir) -> list:
    """The e-mails the worker wrote. Django's file backend appends each e-mail and a line of 79 dashes to
    a file named after the second and the backend object's id, so two e-mails sent in one second may
    share a file: they are told apart by that line (and one still being written is not counted yet)."""
    if not mail_dir.exists():
        return []
    separator = b"\n" + b"-" * 79 + b"\n"
    return [
        message_from_bytes(chunk)
        for path in sorted(mail_dir.glob("*.log"))
        for chunk in path.read_bytes().split(separator)[:-1]
    ]


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_real_worker_sends_each_notice_once(celery_worker_process):
    mail_dir = celery_worker_process.mail_dir
    asal_editor = member_of(SEMARANG, "editor", "editor-semarang")
    member_of(BATANG, "developer", "developer-batang")
    member_of(BATANG, "editor", "editor-batang")
    replication = factories.ReplicationFactory(
        app=factories.AppFactory(name="Program Pelaporan", owner_region=factories.region(SEMARANG)),
        request_state="pending",
    )

    # A task as the services queue it, then delivered a second time: one e-mail.
    assert send_notice.delay(NoticeKind.REQUEST_RECEIVED, str(replication.pk)).get(timeout=60) == 1
    assert send_notice.delay(NoticeKind.REQUEST_RECEIVED, str(replication.pk)).get(timeout=60) == 0
    wait_for(lambda: len(mails(mail_dir)) == 1)
    [request_mail] = mails(mail_dir)
    assert request_mail["To"] == "editor-semarang@example.test"
    assert "Program Pelaporan" in subject(request_mail)
    assert f"/replikasi/{replication.pk}/" in request_mail.get_payload(decode=True).decode()

    # A session scheduled through its service: the notice is queued on commit and the worker sends it
    # to both sides' members, with the .ics.
    replication.request_state = "accepted"
    replication.save()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    starts = datetime.datetime(tomorrow.year, tomorrow.month, tomorrow.day, 9, 0, tzinfo=WIB)
    session = services.session_create(
        user=asal_editor,
        replication=replication,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        mode="luring",
        topic="Bimtek pengelolaan pengaduan",
    )
    wait_for(lambda: Notice.objects.filter(kind=NoticeKind.SESSION_SCHEDULED).count() == 3)
    wait_for(lambda: len(mails(mail_dir)) == 4)

    # The daily task: tomorrow's session is reminded of once, however often the task runs.
    assert send_daily_notices.delay().get(timeout=60) == {
        "session_reminders": 3,
        "unanswered_questions": 0,
        "overdue_actions": 0,
    }
    assert send_daily_notices.delay().get(timeout=60)["session_reminders"] == 0
    wait_for(lambda: len(mails(mail_dir)) == 7)

    calendars = [
        part
        for message in mails(mail_dir)
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]
    assert len(calendars) == 6  # scheduled and reminder, to each of the three members
    assert {part.get_filename() for part in calendars} == {f"bimtek-{session.pk}-{starts:%Y%m%d}.ics"}
    [event] = Calendar.from_ical(calendars[0].get_payload(decode=True)).walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Asia/Jakarta"
    recipients = sorted(message["To"] for message in mails(mail_dir))
    assert recipients == sorted(
        ["editor-semarang@example.test"] * 3
        + ["developer-batang@example.test", "editor-batang@example.test"] * 2
    )
    assert Notice.objects.count() == 7
