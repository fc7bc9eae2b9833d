"""Mentoring in a browser, through the pages only: Bontang's editor asks Semarang to be mentored on the
complaint app; Semarang's editor accepts with a mentor contact and schedules a bimtek session; Bontang
asks a question and Semarang answers it; the phases move to evaluasi with before/after figures; the app
page shows the completed replication and the public answer, to a visitor, at a phone's width."""

import datetime

import pytest

from replication.choices import Phase, QuestionState, RequestState
from replication.models import Replication
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "secret-pass-123"  # tests.factories.UserFactory's


@pytest.fixture
def app(regions):
    app = factories.AppFactory(
        slug="program-pelaporan", name="Program pelaporan", owner_region=factories.region("33.74")
    )
    factories.MentorContactFactory(app=app, name="Tim Diskominfo Semarang", phone="6281234567890")
    return app


def sign_in(browser, live_server, username: str):
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


def test_bontang_is_mentored_by_semarang_from_request_to_evaluation(live_server, browser, app):
    member_of("64.74", "editor", username="bontang-editor")
    member_of("33.74", "editor", username="semarang-editor")

    bontang = sign_in(browser, live_server, "bontang-editor")
    bontang.goto(f"{live_server.url}/aplikasi/program-pelaporan/")
    bontang.click(".callout.mentoring a.button")
    bontang.wait_for_url("**/replikasi/minta/program-pelaporan/")
    bontang.fill("#id_message", "Kami ingin belajar menangani laporan warga.")
    bontang.click("main form button[type=submit]")
    bontang.wait_for_url("**/replikasi/*/")
    replication = Replication.objects.get()
    assert (replication.penerima_id, replication.request_state) == ("64.74", RequestState.PENDING)
    detail = f"{live_server.url}{replication.get_absolute_url()}"

    semarang = sign_in(browser, live_server, "semarang-editor")
    semarang.goto(detail)
    semarang.select_option("#id_accept_mentor", label="Tim Diskominfo Semarang (Kota Semarang)")
    semarang.click("#permintaan form[action$='/terima/'] button[type=submit]")
    semarang.wait_for_url(f"{detail}#permintaan")
    semarang.click("#bimtek details.card > summary")
    semarang.fill("#id_session_topic", "Bimtek pengelolaan pengaduan")
    semarang.fill("#id_session_starts_at", "2026-12-10T09:00")
    semarang.fill("#id_session_ends_at", "2026-12-10T12:00")
    semarang.select_option("#id_session_mode", "luring")
    semarang.check("#bimtek input[name=mentors]")
    semarang.click("#bimtek form[action$='/bimtek/'] button[type=submit]")
    semarang.wait_for_url(f"{detail}#bimtek")
    assert "09:00\N{EN DASH}12:00 WIB" in semarang.inner_text("#bimtek")

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
    assert replication.questions.get().state == QuestionState.ANSWERED

    for phase in (Phase.RENCANA_PENGEMBANGAN, Phase.REPLIKASI, Phase.EVALUASI):
        bontang.goto(detail)
        bontang.select_option("#id_phase_phase", phase)
        bontang.click("#fase form button[type=submit]")
        bontang.wait_for_url(f"{detail}#fase")
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
    bontang.select_option("#id_phase_phase", Phase.SELESAI)
    bontang.click("#fase form button[type=submit]")
    bontang.wait_for_url(f"{detail}#fase")
    replication.refresh_from_db()
    assert replication.phase == Phase.SELESAI
    assert replication.sessions.get().starts_at == datetime.datetime(2026, 12, 10, 2, 0, tzinfo=datetime.UTC)

    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    visitor = context.new_page()
    visitor.goto(f"{live_server.url}/aplikasi/program-pelaporan/")
    text = visitor.inner_text("main")
    assert "Kota Bontang" in text and "Laporan ditindaklanjuti dalam SLA" in text
    assert "Bagaimana mengatur SLA per OPD?" in text
    assert "6281234567890" not in visitor.content()  # the mentor's number is for officials
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390  # readable on a phone
    context.close()
