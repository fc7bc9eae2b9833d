"""Replication notices: each kind goes to the right members once (a second run sends nothing), written for
Indonesian readers, with the replication page's link and, for sessions, the .ics attached."""

import datetime
from email import message_from_bytes

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from icalendar import Calendar

from replication import ics, notices, services, tasks
from replication.choices import NoticeKind
from replication.models import Notice, Replication, SessionCancellation
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

SEMARANG, BATANG, JATENG, BONTANG = "33.74", "33.25", "33", "64.74"
WIB = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture(autouse=True)
def replication_page(monkeypatch, settings):
    """The replication page is another commit's; until its URL exists, a stand-in of the same form."""
    settings.LUMBUNG_SITE_URL = "https://lumbung.example"
    try:
        reverse("replication:replication-detail", kwargs={"pk": 1})
    except NoReverseMatch:
        monkeypatch.setattr(Replication, "get_absolute_url", lambda self: f"/replikasi/{self.pk}/")


@pytest.fixture
def people(regions):
    """Every role of the asal (Semarang), the penerima (Batang) and a facilitator (Central Java), and
    a member of an uninvolved region."""
    users = {}
    for side, code in (("asal", SEMARANG), ("penerima", BATANG), ("fasilitator", JATENG)):
        for role in ("viewer", "developer", "editor", "admin"):
            users[f"{side}-{role}"] = member_of(code, role, username=f"{side}-{role}")
    users["other"] = member_of(BONTANG, "admin", username="bontang-admin")
    inactive = member_of(SEMARANG, "admin", username="asal-inactive")
    inactive.is_active = False
    inactive.save()
    return users


def emails(*names: str) -> set[str]:
    return {f"{name}@example.test" for name in names}


def recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def link(replication) -> str:
    return f"https://lumbung.example{replication.get_absolute_url()}"


@pytest.fixture
def app(regions):
    return factories.AppFactory(name="Program Pelaporan", owner_region=factories.region(SEMARANG))


@pytest.fixture
def replication(app, people):
    """Batang mentored by Semarang, facilitated by Central Java, asked for by Batang's editor."""
    return factories.ReplicationFactory(
        app=app,
        fasilitator=factories.region(JATENG),
        model="fasilitasi",
        request_state="pending",
        requested_by=people["penerima-editor"],
        request_message="Mohon pendampingan untuk aplikasi pengaduan.",
    )


def send_twice(kind, object_id) -> int:
    """Send the notice, then again as a repeated delivery would: the second sends nothing."""
    first = tasks.send_notice.apply(args=(str(kind), str(object_id))).get()
    count = len(mail.outbox)
    assert tasks.send_notice.apply(args=(str(kind), str(object_id))).get() == 0
    assert len(mail.outbox) == count
    return first


def test_request_received_goes_to_the_asal_editors_and_admins_once(replication):
    assert send_twice(NoticeKind.REQUEST_RECEIVED, replication.pk) == 2
    assert recipients() == emails("asal-editor", "asal-admin")
    assert all(len(message.to) == 1 for message in mail.outbox)  # nobody sees the others' addresses
    message = mail.outbox[0]
    assert "Kabupaten Batang" in message.subject and "Program Pelaporan" in message.subject
    assert "Mohon pendampingan untuk aplikasi pengaduan." in message.body
    assert link(replication) in message.body
    assert set(Notice.objects.values_list("kind", "key", "recipient")) == {
        (NoticeKind.REQUEST_RECEIVED, f"replication-{replication.pk}", address)
        for address in emails("asal-editor", "asal-admin")
    }


def test_acceptance_and_decline_go_to_the_penerima_editors_and_admins(replication, people):
    mentor = factories.MentorContactFactory(app=replication.app, name="Ibu Mentor Semarang")
    services.replication_accept(user=people["asal-editor"], replication=replication, mentor=mentor)
    assert send_twice(NoticeKind.REQUEST_ANSWERED, replication.pk) == 2
    assert recipients() == emails("penerima-editor", "penerima-admin")
    assert "Ibu Mentor Semarang" in mail.outbox[0].body

    mail.outbox.clear()
    other = factories.ReplicationFactory(
        app=factories.AppFactory(owner_region=factories.region(SEMARANG)), request_state="pending"
    )
    services.replication_decline(user=people["asal-admin"], replication=other, reason="Tim sedang penuh.")
    assert send_twice(NoticeKind.REQUEST_ANSWERED, other.pk) == 2
    assert recipients() == emails("penerima-editor", "penerima-admin")
    assert "Tim sedang penuh." in mail.outbox[0].body


def test_a_request_not_yet_answered_sends_no_answer_notice(replication):
    assert tasks.send_notice.apply(args=(NoticeKind.REQUEST_ANSWERED, str(replication.pk))).get() == 0
    assert mail.outbox == []


def test_a_question_goes_to_those_who_may_answer_and_the_answer_to_the_asker(replication, people):
    replication.request_state = "accepted"
    replication.save()
    question = services.question_ask(
        user=people["penerima-developer"], replication=replication, title="SLA per OPD", body="Bagaimana?"
    )
    assert send_twice(NoticeKind.QUESTION_ASKED, question.pk) == 6
    expected = emails(
        *(f"{side}-{role}" for side in ("asal", "fasilitator") for role in ("developer", "editor", "admin"))
    )
    assert recipients() == expected
    assert "SLA per OPD" in mail.outbox[0].body and "Bagaimana?" in mail.outbox[0].body

    mail.outbox.clear()
    answer = services.answer_post(user=people["asal-developer"], question=question, body="Atur di menu SLA.")
    assert send_twice(NoticeKind.QUESTION_ANSWERED, answer.pk) == 3
    assert recipients() == emails("penerima-developer", "penerima-editor", "penerima-admin")
    assert "Atur di menu SLA." in mail.outbox[0].body and '"SLA per OPD"' in mail.outbox[0].body
    assert link(replication) in mail.outbox[0].body


def test_a_session_scheduled_and_changed_goes_to_both_sides_with_the_ics(replication, people):
    replication.request_state = "accepted"
    replication.save()
    starts = timezone.localtime() + datetime.timedelta(days=7)
    session = services.session_create(
        user=people["asal-editor"],
        replication=replication,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        mode="daring",
        topic="Bimtek pengelolaan pengaduan",
        location="https://meet.example/bimtek",
    )
    members = emails(
        *(
            f"{side}-{role}"
            for side in ("asal", "penerima", "fasilitator")
            for role in ("developer", "editor", "admin")
        )
    )
    assert send_twice(NoticeKind.SESSION_SCHEDULED, session.pk) == 9
    assert recipients() == members
    message = mail.outbox[0]
    assert "Bimtek pengelolaan pengaduan" in message.subject
    assert "WIB" in message.body and "https://meet.example/bimtek" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"bimtek-{session.pk}-{starts:%Y%m%d}.ics", "text/calendar")
    [event] = Calendar.from_ical(content).walk("VEVENT")
    assert event["SEQUENCE"] == 0
    # The e-mail as sent: the attachment is a text/calendar part.
    parts = message_from_bytes(message.message().as_bytes()).walk()
    assert any(
        part.get_content_type() == "text/calendar" and part.get_filename() == filename for part in parts
    )

    mail.outbox.clear()
    moved = services.session_update(
        user=people["asal-editor"], session=session, starts_at=starts + datetime.timedelta(hours=1)
    )
    assert send_twice(NoticeKind.SESSION_SCHEDULED, moved.pk) == 9  # a changed session is a new notice
    [(_, content, _)] = mail.outbox[0].attachments
    assert Calendar.from_ical(content).walk("VEVENT")[0]["SEQUENCE"] == 1
    assert Notice.objects.filter(kind=NoticeKind.SESSION_SCHEDULED).count() == 18


def test_a_session_already_over_is_changed_for_the_record_not_announced(replication, people):
    session = factories.MentoringSessionFactory(
        replication=replication,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        ends_at=timezone.now() - datetime.timedelta(days=2, hours=-2),
    )
    assert tasks.send_notice.apply(args=(NoticeKind.SESSION_SCHEDULED, str(session.pk))).get() == 0
    assert mail.outbox == []


def test_an_object_deleted_before_the_task_runs_sends_nothing(regions):
    assert notices.send_notice(NoticeKind.QUESTION_ASKED, 999999) == 0
    with pytest.raises(ValueError):
        notices.send_notice(NoticeKind.SESSION_REMINDER, 1)  # a daily notice, not an event


def test_emails_are_written_for_indonesian_readers_whatever_the_language_in_use(replication):
    session = factories.MentoringSessionFactory(
        replication=replication,
        starts_at=datetime.datetime(2099, 12, 10, 9, 0, tzinfo=WIB),
        ends_at=datetime.datetime(2099, 12, 10, 11, 0, tzinfo=WIB),
    )
    with translation.override("en"):
        notices.send_notice(NoticeKind.SESSION_SCHEDULED, session.pk)
    body = mail.outbox[0].body
    # Composed under Bahasa Indonesia (translation.override("id")): Django's Indonesian names of days
    # and months, times in WIB.
    assert "Kamis, 10 Desember 2099, 09.00\u201311.00 WIB" in body
    with translation.override("id"):
        assert translation.gettext("Replication page:") in body


def test_the_reminder_goes_the_day_before_with_the_ics_once(replication, people):
    today = datetime.date(2099, 12, 9)
    tomorrow = factories.MentoringSessionFactory(
        replication=replication,
        starts_at=datetime.datetime(2099, 12, 10, 8, 0, tzinfo=WIB),
        ends_at=datetime.datetime(2099, 12, 10, 10, 0, tzinfo=WIB),
    )
    factories.MentoringSessionFactory(  # the day after tomorrow
        replication=replication,
        starts_at=datetime.datetime(2099, 12, 11, 0, 30, tzinfo=WIB),
        ends_at=datetime.datetime(2099, 12, 11, 2, 0, tzinfo=WIB),
    )
    assert notices.send_session_reminders(today=today) == 9
    assert notices.send_session_reminders(today=today) == 0
    assert {message.attachments[0][0] for message in mail.outbox} == {f"bimtek-{tomorrow.pk}-20991210.ics"}
    assert recipients() == emails(
        *(
            f"{side}-{role}"
            for side in ("asal", "penerima", "fasilitator")
            for role in ("developer", "editor", "admin")
        )
    )
    assert Notice.objects.get(recipient="asal-admin@example.test").key == f"session-{tomorrow.pk}-2099-12-10"


@pytest.mark.parametrize(
    ("asked", "today", "reported"),
    [
        (datetime.date(2026, 11, 30), datetime.date(2026, 12, 3), False),  # Monday -> Thursday: 2 days
        (datetime.date(2026, 11, 30), datetime.date(2026, 12, 4), True),  # Monday -> Friday: 3 days
        (datetime.date(2026, 12, 3), datetime.date(2026, 12, 8), False),  # Thursday -> Tuesday: Fri, Mon
        (datetime.date(2026, 12, 3), datetime.date(2026, 12, 9), True),  # Thursday -> Wednesday
        (datetime.date(2026, 12, 5), datetime.date(2026, 12, 10), True),  # Saturday -> Thursday
    ],
)
def test_questions_unanswered_for_three_working_days_go_to_the_asal_admins(
    replication, asked, today, reported
):
    question = factories.QuestionFactory(replication=replication)
    asked_at = datetime.datetime.combine(asked, datetime.time(15, 0), tzinfo=WIB)
    type(question).objects.filter(pk=question.pk).update(asked_at=asked_at)
    sent = notices.send_unanswered_question_notices(today=today)
    assert sent == (1 if reported else 0)
    if reported:
        assert recipients() == emails("asal-admin")  # not the inactive admin, not the facilitator's
        assert notices.send_unanswered_question_notices(today=today + datetime.timedelta(days=1)) == 0


def test_an_answered_question_is_not_reported(replication, people):
    question = factories.QuestionFactory(replication=replication)
    type(question).objects.filter(pk=question.pk).update(
        asked_at=timezone.now() - datetime.timedelta(days=30)
    )
    services.answer_post(user=people["fasilitator-developer"], question=question, body="Sudah dijawab.")
    assert notices.send_unanswered_question_notices(today=timezone.localdate()) == 0


def test_overdue_action_items_go_to_the_responsible_side_once_per_date(replication, people):
    today = datetime.date(2026, 12, 9)
    item = factories.ActionItemFactory(
        replication=replication, side="asal", due_on=datetime.date(2026, 12, 8)
    )
    factories.ActionItemFactory(replication=replication, side="penerima", due_on=today)  # due today: not yet
    factories.ActionItemFactory(
        replication=replication, side="penerima", due_on=datetime.date(2026, 12, 1), done_at=timezone.now()
    )
    assert notices.send_overdue_action_notices(today=today) == 2
    assert recipients() == emails("asal-editor", "asal-admin")
    assert item.title in mail.outbox[0].subject
    assert notices.send_overdue_action_notices(today=today) == 0
    mail.outbox.clear()
    item.due_on = today  # given a new date, which passes too
    item.save()
    assert notices.send_overdue_action_notices(today=today + datetime.timedelta(days=1)) == 4
    # the item again, and the penerima's item due on the 9th, now past
    assert recipients() == emails("asal-editor", "asal-admin", "penerima-editor", "penerima-admin")


def test_a_cancelled_replication_sends_no_daily_notices(replication):
    replication.phase = "dibatalkan"
    replication.save()
    factories.ActionItemFactory(replication=replication, side="asal", due_on=datetime.date(2026, 1, 1))
    question = factories.QuestionFactory(replication=replication)
    type(question).objects.filter(pk=question.pk).update(
        asked_at=timezone.now() - datetime.timedelta(days=30)
    )
    assert notices.send_daily_notices() == {
        "session_reminders": 0,
        "unanswered_questions": 0,
        "overdue_actions": 0,
    }


def test_a_failed_send_is_not_recorded_and_is_retried(replication, monkeypatch):
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send
    refused = {"asal-admin@example.test"}

    def flaky_send(self, *args, **kwargs):
        if refused & set(self.to):
            raise OSError("mail server unreachable")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky_send)
    with pytest.raises(notices.NoticeNotSent):
        notices.send_notice(NoticeKind.REQUEST_RECEIVED, replication.pk)
    assert recipients() == emails("asal-editor")  # the others are still served
    assert set(Notice.objects.values_list("recipient", flat=True)) == emails("asal-editor")

    refused.clear()
    assert notices.send_notice(NoticeKind.REQUEST_RECEIVED, replication.pk) == 1
    assert recipients() == emails("asal-editor", "asal-admin")


def test_a_notice_claimed_by_another_run_is_not_sent_again(replication):
    # Another run recorded (and so sends) this notice to the admin between our read and our insert.
    original = notices.Notice.objects.filter

    def read_before_the_other_run(*args, **kwargs):
        result = original(*args, **kwargs)
        if kwargs.get("kind") == NoticeKind.REQUEST_RECEIVED and not Notice.objects.exists():
            Notice.objects.create(
                kind=NoticeKind.REQUEST_RECEIVED,
                key=f"replication-{replication.pk}",
                recipient="asal-admin@example.test",
            )
            return original(pk__in=[])
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(notices.Notice.objects, "filter", read_before_the_other_run)
        assert notices.send_notice(NoticeKind.REQUEST_RECEIVED, replication.pk) == 1
    assert recipients() == emails("asal-editor")


# A session deleted before it takes place -------------------------------------------------------------


@pytest.fixture
def queued(monkeypatch):
    """The notices the services queue, recorded as the broker would get them: after commit only."""
    from django.db import transaction

    from replication.services import notify

    sent = []

    def enqueue_on_commit(task, *args):
        transaction.on_commit(lambda: sent.append((task.name, args)))

    monkeypatch.setattr(notify, "enqueue_on_commit", enqueue_on_commit)
    return sent


def scheduled_session(replication, people, starts):
    replication.request_state = "accepted"
    replication.save()
    return services.session_create(
        user=people["asal-editor"],
        replication=replication,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        mode="daring",
        topic="Bimtek pengelolaan pengaduan",
        location="https://meet.example/bimtek",
    )


def test_a_deleted_session_is_cancelled_once_with_a_cancel_ics(
    replication, people, queued, django_capture_on_commit_callbacks
):
    starts = timezone.localtime() + datetime.timedelta(days=7)
    session = scheduled_session(replication, people, starts)
    session = services.session_update(user=people["asal-editor"], session=session, topic="Bimtek SLA")
    assert session.sequence == 1
    notices.send_notice(NoticeKind.SESSION_SCHEDULED, session.pk)
    mail.outbox.clear()
    queued.clear()
    [scheduled_event] = Calendar.from_ical(ics.session_ics(session)).walk("VEVENT")

    with django_capture_on_commit_callbacks(execute=True):
        services.session_delete(user=people["asal-editor"], session=session)
        assert queued == []  # nothing is queued before the deletion commits
    [(task, (kind, cancellation_id))] = queued
    assert (task, kind) == ("replication.tasks.send_notice", NoticeKind.SESSION_CANCELLED)

    assert send_twice(NoticeKind.SESSION_CANCELLED, cancellation_id) == 9  # both sides' members, once
    assert recipients() == emails(
        *(
            f"{side}-{role}"
            for side in ("asal", "penerima", "fasilitator")
            for role in ("developer", "editor", "admin")
        )
    )
    message = mail.outbox[0]
    assert "Bimtek SLA" in message.subject and "Program Pelaporan" in message.subject
    assert "WIB" in message.body and link(replication) in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"bimtek-{session.pk}-{starts:%Y%m%d}-batal.ics", "text/calendar")
    calendar = Calendar.from_ical(content)
    assert calendar["METHOD"] == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == scheduled_event["UID"]  # the same event in the members' calendars
    assert event["SEQUENCE"] == 2  # newer than the last revision they got
    assert event["STATUS"] == "CANCELLED"
    assert event.decoded("DTSTART") == scheduled_event.decoded("DTSTART")
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert Notice.objects.filter(kind=NoticeKind.SESSION_CANCELLED).count() == 9


def test_deleting_a_session_already_over_or_of_a_closed_replication_tells_nobody(
    replication, people, queued, django_capture_on_commit_callbacks
):
    over = factories.MentoringSessionFactory(
        replication=replication,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        ends_at=timezone.now() - datetime.timedelta(days=2, hours=-2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.session_delete(user=people["asal-editor"], session=over)
    upcoming = scheduled_session(replication, people, timezone.now() + datetime.timedelta(days=3))
    Replication.objects.filter(pk=replication.pk).update(phase="selesai")
    upcoming.refresh_from_db()
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_delete(user=people["asal-editor"], session=upcoming)
    assert queued == [] and not SessionCancellation.objects.exists()
    assert notices.send_notice(NoticeKind.SESSION_CANCELLED, 999999) == 0


def test_a_cancellation_delivered_after_the_session_time_sends_nothing(
    replication, people, queued, django_capture_on_commit_callbacks
):
    session = scheduled_session(replication, people, timezone.now() + datetime.timedelta(days=1))
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_delete(user=people["asal-editor"], session=session)
    [(_, (kind, cancellation_id))] = queued
    SessionCancellation.objects.filter(pk=cancellation_id).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    assert notices.send_notice(kind, cancellation_id) == 0
    assert mail.outbox == []
