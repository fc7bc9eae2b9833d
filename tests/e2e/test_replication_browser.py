"""Mentoring in a browser, through the pages only: Bontang's editor asks Semarang to be mentored on the
complaint app; Semarang's editor accepts with a mentor contact and schedules a bimtek session (its
`.ics` and Bontang's calendar feed give 09:00 WIB); Bontang asks a question and Semarang answers it;
Bontang's developer spins up a copy of the app's template, which joins the open replication and shows on
its page; the phases move to evaluasi with before/after figures; the app page shows the completed
replication and the public answer, to a visitor, at a phone's width.

Notices are Celery tasks queued on commit (not eager), so a real worker process sends them, and renders
the copy; its e-mails are files (tests.conftest.worker_env), read back here: each kind reaches the
right people, the session's with its `.ics`."""

import datetime
import time
import zoneinfo
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.cache import cache
from icalendar import Calendar

from replication.choices import Phase, QuestionState, RequestState
from replication.models import Replication
from templates_repo import services as templates_services
from templates_repo.models import Fork
from tests import factories
from tests.conftest import member_of, start_worker, stop_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

PASSWORD = "secret-pass-123"  # tests.factories.UserFactory's
APP_SLUG = "program-pelaporan-kota-semarang"  # the app the "pengaduan" template reproduces (lumbung.json)
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
TOPIC = "Bimtek pengelolaan pengaduan"
BONTANG_EDITOR = "editor@bontang.example.test"
BONTANG_DEVELOPER = "developer@bontang.example.test"
SEMARANG_EDITOR = "editor@semarang.example.test"


def session_day() -> datetime.date:
    """10 December, this year's while it is still a week ahead, else next year's: a notice is only sent
    for a session that is not over yet."""
    today = datetime.date.today()
    day = datetime.date(today.year, 12, 10)
    return day if day - today >= datetime.timedelta(days=7) else day.replace(year=today.year + 1)


@pytest.fixture
def app(regions, media_root):
    cache.clear()
    semarang = factories.region("33.74")
    app = factories.AppFactory(slug=APP_SLUG, name="Program pelaporan", owner_region=semarang)
    factories.MentorContactFactory(app=app, name="Tim Diskominfo Semarang", phone="6281234567890")
    templates_services.template_sync()  # registers templates_repo/cookiecutters/pengaduan for this app
    return app


@pytest.fixture
def worker(media_root, tmp_path):
    """A real `celery worker` (renders the copy, sends the notices), writing its e-mails to files."""
    from config.celery_app import app as celery_app

    celery_app.control.purge()
    process = start_worker(tmp_path)
    yield process
    stop_worker(process)


@pytest.fixture
def sign_in(browser, live_server):
    contexts = []

    def sign_in(username: str):
        context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/masuk/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        return page

    yield sign_in
    for context in contexts:
        context.close()


def official(code: str, role: str, username: str, email: str):
    user = member_of(code, role, username=username)
    user.email = email
    user.save(update_fields=["email"])
    return user


# E-mails --------------------------------------------------------------------------------------------


def mails(mail_dir: Path) -> list[EmailMessage]:
    """The e-mails the worker wrote. Django's file backend appends each e-mail and a line of 79 dashes,
    several to a file within one second: split on that line (an e-mail still being written has none)."""
    if not mail_dir.exists():
        return []
    separator = b"\n" + b"-" * 79 + b"\n"
    return [
        message_from_bytes(chunk, policy=policy.default)
        for path in sorted(mail_dir.glob("*.log"))
        for chunk in path.read_bytes().split(separator)[:-1]
    ]


def expect_mails(mail_dir: Path, subject: str, recipients: list[str], timeout: float = 60):
    """Wait until the e-mails whose subject starts with `subject` are one to each of `recipients`; those
    e-mails, by recipient."""
    deadline = time.monotonic() + timeout
    while True:
        found = [message for message in mails(mail_dir) if message["Subject"].startswith(subject)]
        addressed = sorted(message["To"] for message in found)
        if addressed == sorted(recipients):
            return {message["To"]: message for message in found}
        if time.monotonic() > deadline:
            pytest.fail(f"E-mails {subject!r}: expected to {sorted(recipients)}, got to {addressed}")
        time.sleep(0.2)


def body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def only_event(ics: bytes):
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    return event


def assert_at_nine_wib(event) -> None:
    start = event["DTSTART"]
    assert start.params["TZID"] == "Asia/Jakarta"
    day = session_day()
    assert start.dt == datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=JAKARTA)
    assert start.dt.replace(tzinfo=None) == datetime.datetime(day.year, day.month, day.day, 9, 0)
    assert TOPIC in str(event["SUMMARY"])


# The steps, each through the pages ------------------------------------------------------------------


def request_mentoring(bontang, live_server) -> Replication:
    bontang.goto(f"{live_server.url}/aplikasi/{APP_SLUG}/")
    bontang.click(".callout.mentoring a.button")
    bontang.wait_for_url(f"**/replikasi/minta/{APP_SLUG}/")
    bontang.fill("#id_message", "Kami ingin belajar menangani laporan warga.")
    bontang.click("main form button[type=submit]")
    bontang.wait_for_url("**/replikasi/*/")
    replication = Replication.objects.get()
    assert (replication.penerima_id, replication.request_state) == ("64.74", RequestState.PENDING)
    return replication


def accept_and_schedule(semarang, detail: str) -> None:
    semarang.goto(detail)
    semarang.select_option("#id_accept_mentor", label="Tim Diskominfo Semarang (Kota Semarang)")
    semarang.click("#permintaan form[action$='/terima/'] button[type=submit]")
    semarang.wait_for_url(f"{detail}#permintaan")
    day = session_day().isoformat()
    semarang.click("#bimtek details.card > summary")
    semarang.fill("#id_session_topic", TOPIC)
    semarang.fill("#id_session_starts_at", f"{day}T09:00")
    semarang.fill("#id_session_ends_at", f"{day}T12:00")
    semarang.select_option("#id_session_mode", "luring")
    semarang.check("#bimtek input[name=mentors]")
    semarang.click("#bimtek form[action$='/bimtek/'] button[type=submit]")
    semarang.wait_for_url(f"{detail}#bimtek")
    assert "09:00\N{EN DASH}12:00 WIB" in semarang.inner_text("#bimtek")


def ask_and_answer(bontang, semarang, detail: str) -> None:
    bontang.goto(detail)
    bontang.click("#pertanyaan details.card > summary")
    bontang.fill("#id_question_title", "Bagaimana mengatur SLA per OPD?")
    bontang.fill("#id_question_body", "Apakah SLA 72 jam berlaku untuk semua OPD?")
    bontang.click("#pertanyaan form[action$='/pertanyaan/'] button[type=submit]")
    bontang.wait_for_url(f"{detail}#pertanyaan")

    semarang.goto(detail)
    semarang.click("#pertanyaan article details > summary")
    semarang.fill("#pertanyaan article textarea[name=body]", "Bisa diatur per OPD; kami memakai 72 jam.")
    semarang.click("#pertanyaan article form button[type=submit]")
    semarang.wait_for_url(f"{detail}#pertanyaan")


def move_to(page, detail: str, *phases: Phase) -> None:
    for phase in phases:
        page.goto(detail)
        page.select_option("#id_phase_phase", phase)
        page.click("#fase form button[type=submit]")
        page.wait_for_url(f"{detail}#fase")


def spin_up_copy(developer, live_server) -> Fork:
    developer.goto(f"{live_server.url}/aplikasi/{APP_SLUG}/")
    developer.click(".callout a.button[href$='/templat/pengaduan/']")  # "Buat salinan"
    developer.wait_for_url("**/templat/pengaduan/")
    developer.select_option("#id_region", "64.74")
    developer.click("main form.stack button[type=submit]")
    developer.wait_for_url("**/salinan/*/")
    developer.wait_for_selector("#download", timeout=60_000)  # the page refreshes until the worker is done
    return Fork.objects.get()


def evaluate_and_finish(bontang, detail: str) -> None:
    bontang.goto(detail)
    bontang.check("#id_evaluation_service_live")
    bontang.fill("input[name=figures-0-label]", "Laporan ditindaklanjuti dalam SLA")
    bontang.fill("input[name=figures-0-unit]", "%")
    bontang.fill("input[name=figures-0-before_value]", "40")
    bontang.fill("input[name=figures-0-before_on]", "2026-01-01")
    bontang.fill("input[name=figures-0-after_value]", "85")
    bontang.fill("input[name=figures-0-after_on]", "2026-11-01")
    bontang.click("#evaluasi form button[type=submit]")
    bontang.wait_for_url(f"{detail}#evaluasi")
    move_to(bontang, detail, Phase.SELESAI)


# The story ------------------------------------------------------------------------------------------


def test_bontang_is_mentored_by_semarang_from_request_to_evaluation(
    live_server, browser, sign_in, app, worker
):
    official("64.74", "editor", "bontang-editor", BONTANG_EDITOR)
    official("64.74", "developer", "bontang-dev", BONTANG_DEVELOPER)
    official("33.74", "editor", "semarang-editor", SEMARANG_EDITOR)
    mail_dir = worker.mail_dir

    bontang = sign_in("bontang-editor")
    replication = request_mentoring(bontang, live_server)
    detail = f"{live_server.url}{replication.get_absolute_url()}"
    received = expect_mails(mail_dir, "Permintaan pendampingan: Kota Bontang", [SEMARANG_EDITOR])
    assert replication.get_absolute_url() in body(received[SEMARANG_EDITOR])

    semarang = sign_in("semarang-editor")
    accept_and_schedule(semarang, detail)
    expect_mails(mail_dir, "Pendampingan diterima: Kota Semarang", [BONTANG_EDITOR])
    # Both sides' members hear of the session, each with its .ics.
    scheduled = expect_mails(
        mail_dir, "Sesi bimtek dijadwalkan", [BONTANG_EDITOR, BONTANG_DEVELOPER, SEMARANG_EDITOR]
    )
    for message in scheduled.values():
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content_type() == "text/calendar"
        assert attachment.get_filename().endswith(".ics")
        assert_at_nine_wib(only_event(attachment.get_payload(decode=True)))

    # The session's .ics and Bontang's feed, as a calendar application would fetch them.
    session = replication.sessions.get()
    download = bontang.request.get(f"{live_server.url}/api/v1/mentoring-sessions/{session.pk}/ics/")
    assert download.ok and download.headers["content-type"].startswith("text/calendar")
    assert_at_nine_wib(only_event(download.body()))
    feed = bontang.request.get(f"{live_server.url}/api/v1/regions/64.74/sessions.ics")
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    assert_at_nine_wib(only_event(feed.body()))

    ask_and_answer(bontang, semarang, detail)
    assert replication.questions.get().state == QuestionState.ANSWERED
    asked = expect_mails(mail_dir, "Pertanyaan baru tentang Program pelaporan", [SEMARANG_EDITOR])
    assert "Bagaimana mengatur SLA per OPD?" in body(asked[SEMARANG_EDITOR])
    answered = expect_mails(mail_dir, "Pertanyaan Anda tentang Program pelaporan", [BONTANG_EDITOR])
    assert "Bisa diatur per OPD; kami memakai 72 jam." in body(answered[BONTANG_EDITOR])

    # In the Replikasi phase, Bontang's developer spins up a copy: it joins the open replication.
    move_to(bontang, detail, Phase.RENCANA_PENGEMBANGAN, Phase.REPLIKASI)
    developer = sign_in("bontang-dev")
    fork = spin_up_copy(developer, live_server)
    assert (fork.region_id, fork.replication) == ("64.74", replication)
    assert Replication.objects.count() == 1
    developer.goto(detail)
    copies = developer.locator("#salinan")
    assert "Berhasil" in copies.inner_text()
    assert copies.locator(f"a[href$='{fork.get_absolute_url()}']").count() == 1

    move_to(bontang, detail, Phase.EVALUASI)
    evaluate_and_finish(bontang, detail)
    replication.refresh_from_db()
    assert replication.phase == Phase.SELESAI
    day = session_day()
    assert session.starts_at == datetime.datetime(day.year, day.month, day.day, 2, 0, tzinfo=datetime.UTC)
    bontang.goto(detail)
    assert bontang.locator("#salinan").count() == 1  # the copy stays on the completed replication

    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    visitor = context.new_page()
    visitor.goto(f"{live_server.url}/aplikasi/{APP_SLUG}/")
    text = visitor.inner_text("main")
    assert "Kota Bontang" in text and "Laporan ditindaklanjuti dalam SLA" in text
    assert "Bagaimana mengatur SLA per OPD?" in text
    assert "6281234567890" not in visitor.content()  # the mentor's number is for officials
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390  # readable on a phone
    context.close()

    # Nothing was sent twice, and nobody heard of what is not theirs.
    assert len(mails(mail_dir)) == 7
