"""Replication pages: the app page's panels, the request form, the list and a replication's page with its
forms. Each form saves through its service; bad input is a 400 with the errors and nothing saved; a
user the service refuses gets a 403, a visitor the sign-in page."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfWriter

from replication.choices import Phase, QuestionState, RequestState
from replication.models import (
    ActionItem,
    Answer,
    Evaluation,
    MentorContact,
    MentoringSession,
    Question,
    Replication,
)
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

SEMARANG, BATANG, BONTANG = "33.74", "33.25", "64.74"


@pytest.fixture
def app(regions):
    return factories.AppFactory(
        slug="program-pelaporan", name="Program pelaporan", owner_region=factories.region(SEMARANG)
    )


@pytest.fixture
def mentor(app):
    return factories.MentorContactFactory(
        app=app, name="Tim Diskominfo", email="diskominfo@example.test", phone="6281234567890", topics="SLA"
    )


@pytest.fixture
def asal_editor(regions):
    return member_of(SEMARANG, "editor")


@pytest.fixture
def penerima_editor(regions):
    return member_of(BATANG, "editor")


@pytest.fixture
def replication(app, mentor):
    return factories.ReplicationFactory(app=app, mentor=mentor)


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def url(replication, suffix=""):
    return f"/replikasi/{replication.pk}/{suffix}"


# The app page's panels ------------------------------------------------------------------------------


def test_app_page_shows_mentor_contacts_without_personal_details_to_visitors(client, app, mentor):
    html = client.get(app.get_absolute_url()).text
    assert "Tim Diskominfo" in html and "SLA" in html
    assert "diskominfo@example.test" not in html
    assert "6281234567890" not in html and "wa.me" not in html
    assert "No contact recorded yet" not in html and "Belum ada kontak" not in html


def test_app_page_shows_contact_details_and_whatsapp_to_members_of_any_region(client, app, mentor):
    client.force_login(member_of(BONTANG, "viewer"))
    html = client.get(app.get_absolute_url()).text
    assert "mailto:diskominfo@example.test" in html
    assert 'href="https://wa.me/6281234567890"' in html


def test_app_page_without_mentor_contacts_says_so(client, app):
    assert "Belum ada kontak tercatat" in client.get(app.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="id").text


def test_app_page_offers_mentoring_to_editors_and_sign_in_to_visitors(client, app, penerima_editor):
    request_url = "/replikasi/minta/program-pelaporan/"
    html = client.get(app.get_absolute_url()).text
    assert f"/masuk/?next={request_url}" in html
    client.force_login(penerima_editor)
    assert f'href="{request_url}"' in client.get(app.get_absolute_url()).text
    client.force_login(member_of(SEMARANG, "editor"))  # the owner does not ask itself
    assert f'href="{request_url}"' not in client.get(app.get_absolute_url()).text


def test_app_page_lists_completed_replications_with_their_outcome_and_public_answers(client, app, mentor):
    done = factories.ReplicationFactory(app=app, phase=Phase.SELESAI)
    evaluation = Evaluation.objects.create(replication=done, service_live=True, lessons="Mulai dari laporan.")
    evaluation.figures.create(
        label="Laporan dalam SLA",
        unit="%",
        before_value=Decimal(40),
        before_on=datetime.date(2026, 1, 1),
        after_value=Decimal(85),
        after_on=datetime.date(2026, 11, 1),
    )
    factories.ReplicationFactory(app=app, penerima=factories.region(BONTANG), phase=Phase.REPLIKASI)
    answered = factories.QuestionFactory(replication=done, title="SLA per OPD?", state=QuestionState.ANSWERED)
    Answer.objects.create(question=answered, body="Diatur per OPD.", side="asal")
    factories.QuestionFactory(replication=done, title="Rahasia", state=QuestionState.ANSWERED, internal=True)
    factories.QuestionFactory(replication=done, title="Belum dijawab")
    html = client.get(app.get_absolute_url()).text
    assert "Kabupaten Batang" in html and "85" in html and "Laporan dalam SLA" in html
    assert "Kota Bontang" in html
    assert "SLA per OPD?" in html and "Diatur per OPD." in html
    assert "Rahasia" not in html and "Belum dijawab" not in html


def test_mentor_contacts_are_added_by_the_owner_regions_editors(client, app, asal_editor, penerima_editor):
    contact_url = "/replikasi/kontak/program-pelaporan/"
    assert client.get(contact_url)["Location"].startswith("/masuk/")
    client.force_login(penerima_editor)
    assert client.post(contact_url, {"name": "Orang lain"}).status_code == 403
    client.force_login(asal_editor)
    assert contact_url in client.get(app.get_absolute_url()).text
    bad = client.post(contact_url, {"name": "Tim Diskominfo", "phone": "12345"})
    assert bad.status_code == 400 and bad.context["form"].errors["phone"]
    assert MentorContact.objects.count() == 0
    data = {"name": "Tim Diskominfo", "phone": "0812 3456 7890", "next": "https://evil.example/"}
    response = client.post(contact_url, data)
    assert response.status_code == 302 and response["Location"] == app.get_absolute_url()
    assert MentorContact.objects.get().phone == "6281234567890"


# Asking to be mentored -----------------------------------------------------------------------------


def test_request_form_sends_visitors_to_sign_in(client, app):
    response = client.get("/replikasi/minta/program-pelaporan/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")
    assert client.post("/replikasi/minta/program-pelaporan/", {"region": BATANG}).status_code == 302
    assert Replication.objects.count() == 0


def test_request_saves_through_the_service_and_shows_the_replication(client, app, penerima_editor):
    client.force_login(penerima_editor)
    page = client.get("/replikasi/minta/program-pelaporan/")
    assert page.status_code == 200
    assert [region.code for region in page.context["form"].fields["region"].queryset] == [BATANG]
    response = client.post(
        "/replikasi/minta/program-pelaporan/",
        {"region": BATANG, "model": "kemitraan", "message": "Mohon bimbingan."},
    )
    replication = Replication.objects.get()
    assert response.status_code == 302 and response["Location"] == replication.get_absolute_url()
    assert (replication.penerima_id, replication.request_state) == (BATANG, RequestState.PENDING)
    assert replication.request_message == "Mohon bimbingan."


@pytest.mark.parametrize(
    "data, field",
    [
        ({"model": "fasilitasi"}, "fasilitator"),  # a facilitated replication names its facilitator
        ({"model": "kemitraan", "mou": "foreign"}, "mou"),  # an MoU the two regions are not party to
        ({"model": "nonsense"}, "model"),
    ],
)
def test_bad_request_is_a_400_with_the_field_error_and_nothing_saved(
    client, app, penerima_editor, data, field
):
    if data.get("mou") == "foreign":
        # an MoU of Semarang with Bontang, offered since the user is an editor of Bontang too
        factories.MembershipFactory(user=penerima_editor, region=factories.region(BONTANG), role="editor")
        data = {**data, "mou": factories.MoUFactory(party_codes=(BONTANG, SEMARANG)).pk}
    client.force_login(penerima_editor)
    response = client.post("/replikasi/minta/program-pelaporan/", {"region": BATANG, **data})
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert Replication.objects.count() == 0


def test_a_viewer_cannot_ask(client, app):
    client.force_login(member_of(BATANG, "viewer"))
    page = client.get("/replikasi/minta/program-pelaporan/")
    assert "form" not in page.context or not page.context["form"].fields["region"].queryset.exists()
    assert (
        client.post(
            "/replikasi/minta/program-pelaporan/", {"region": BATANG, "model": "kemitraan"}
        ).status_code
        == 400
    )
    assert Replication.objects.count() == 0


# A replication's page ------------------------------------------------------------------------------


def test_replication_page_for_visitors_shows_no_forms_no_action_plan_and_no_names(client, replication):
    factories.ActionItemFactory(replication=replication, title="Rahasia kerja")
    asker = member_of(BATANG, "developer", username="penanya-batang")
    question = factories.QuestionFactory(
        replication=replication, asked_by=asker, state=QuestionState.ANSWERED
    )
    Answer.objects.create(
        question=question, body="Jawaban.", side="asal", author=member_of(SEMARANG, "editor")
    )
    page = client.get(url(replication))
    assert page.status_code == 200
    html = page.text
    assert "Kabupaten Batang" in html and "Kota Semarang" in html
    assert "Rahasia kerja" not in html
    assert "Jawaban." in html and "penanya-batang" not in html and "editor-33.74" not in html
    assert 'method="post" action="/replikasi/' not in html
    assert client.get("/replikasi/999999/").status_code == 404


def test_replication_page_shows_each_side_its_own_forms(client, app, mentor, asal_editor, penerima_editor):
    pending = factories.ReplicationFactory(app=app, request_state=RequestState.PENDING)
    client.force_login(asal_editor)
    html = client.get(url(pending)).text
    assert url(pending, "terima/") in html and url(pending, "tolak/") in html
    assert url(pending, "bimtek/") in html and url(pending, "pertanyaan/") not in html
    client.force_login(penerima_editor)
    html = client.get(url(pending)).text
    assert url(pending, "terima/") not in html and url(pending, "bimtek/") not in html
    assert url(pending, "pertanyaan/") in html and url(pending, "fase/") in html


def test_accept_names_the_mentor(client, app, mentor, asal_editor):
    pending = factories.ReplicationFactory(app=app, request_state=RequestState.PENDING)
    client.force_login(asal_editor)
    response = client.post(url(pending, "terima/"), {"mentor": mentor.pk})
    assert response.status_code == 302 and response["Location"] == url(pending) + "#permintaan"
    pending.refresh_from_db()
    assert (pending.request_state, pending.mentor_id) == (RequestState.ACCEPTED, mentor.pk)


def test_the_recipient_cannot_accept_and_a_visitor_is_sent_to_sign_in(client, app, mentor, penerima_editor):
    pending = factories.ReplicationFactory(app=app, request_state=RequestState.PENDING)
    assert client.post(url(pending, "terima/"), {"mentor": mentor.pk})["Location"].startswith("/masuk/")
    client.force_login(penerima_editor)
    assert client.post(url(pending, "terima/"), {"mentor": mentor.pk}).status_code == 403
    pending.refresh_from_db()
    assert pending.request_state == RequestState.PENDING


def test_decline_needs_a_reason(client, app, asal_editor):
    pending = factories.ReplicationFactory(app=app, request_state=RequestState.PENDING)
    client.force_login(asal_editor)
    response = client.post(url(pending, "tolak/"), {"reason": "  "})
    assert response.status_code == 400 and response.context["decline_form"].errors
    pending.refresh_from_db()
    assert pending.request_state == RequestState.PENDING
    assert client.post(url(pending, "tolak/"), {"reason": "Tim sedang penuh."}).status_code == 302
    pending.refresh_from_db()
    assert (pending.request_state, pending.phase) == (RequestState.DECLINED, Phase.DIBATALKAN)


def test_phases_move_forward_and_back_only_with_a_reason(client, replication, penerima_editor):
    client.force_login(penerima_editor)
    assert client.post(url(replication, "fase/"), {"phase": "rencana_pengembangan"}).status_code == 302
    response = client.post(url(replication, "fase/"), {"phase": "persiapan"})
    assert response.status_code == 400 and response.context["phase_form"].errors["reason"]
    replication.refresh_from_db()
    assert replication.phase == Phase.RENCANA_PENGEMBANGAN
    assert (
        client.post(url(replication, "fase/"), {"phase": "persiapan", "reason": "Tim berganti."}).status_code
        == 302
    )
    html = client.get(url(replication)).text
    assert "Tim berganti." in html  # the history says why


def test_action_plan_items_are_added_marked_overdue_and_completed(client, replication, penerima_editor):
    client.force_login(penerima_editor)
    bad = client.post(url(replication, "rencana/"), {"title": "Fasilitasi", "side": "fasilitator"})
    assert bad.status_code == 400 and bad.context["item_form"].errors["side"]
    assert ActionItem.objects.count() == 0
    data = {"title": "Bentuk tim", "side": "penerima", "person": "Kabid", "due_on": "2020-01-31"}
    assert client.post(url(replication, "rencana/"), data).status_code == 302
    item = ActionItem.objects.get()
    assert "overdue" in client.get(url(replication)).text
    assert client.post(url(replication, f"rencana/{item.pk}/selesai/")).status_code == 302
    item.refresh_from_db()
    assert item.done_at is not None


def test_a_session_is_scheduled_in_jakarta_time(client, replication, mentor, asal_editor):
    client.force_login(asal_editor)
    data = {
        "topic": "Bimtek SLA",
        "starts_at": "2026-12-10T09:00",
        "ends_at": "2026-12-10T08:00",
        "mode": "luring",
        "mentors": [mentor.pk],
    }
    response = client.post(url(replication, "bimtek/"), data)
    assert response.status_code == 400 and response.context["session_form"].errors["ends_at"]
    assert MentoringSession.objects.count() == 0
    assert (
        client.post(url(replication, "bimtek/"), {**data, "ends_at": "2026-12-10T12:00"}).status_code == 302
    )
    session = MentoringSession.objects.get()
    assert session.starts_at == datetime.datetime(2026, 12, 10, 2, 0, tzinfo=datetime.UTC)
    assert list(session.mentors.all()) == [mentor]
    html = client.get(url(replication)).text
    assert "09:00\N{EN DASH}12:00 WIB" in html


def test_a_material_link_is_added_to_a_session(client, replication, asal_editor, penerima_editor):
    session = factories.MentoringSessionFactory(replication=replication)
    client.force_login(penerima_editor)
    assert client.post(url(replication, f"bimtek/{session.pk}/materi/"), {"title": "x"}).status_code == 403
    client.force_login(asal_editor)
    response = client.post(url(replication, f"bimtek/{session.pk}/materi/"), {"title": "Panduan"})
    assert response.status_code == 400  # neither a file nor a link
    assert session.materials.count() == 0
    data = {"title": "Panduan", "url": "https://example.org/panduan.pdf"}
    assert client.post(url(replication, f"bimtek/{session.pk}/materi/"), data).status_code == 302
    assert "https://example.org/panduan.pdf" in client.get(url(replication)).text


def test_an_uploaded_material_is_checked_and_served_to_officials(
    client, replication, asal_editor, media_root
):
    session = factories.MentoringSessionFactory(replication=replication)
    client.force_login(asal_editor)
    add_url = url(replication, f"bimtek/{session.pk}/materi/")
    fake = SimpleUploadedFile("slides.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    assert client.post(add_url, {"title": "Palsu", "file": fake}).status_code == 400
    assert session.materials.count() == 0
    pdf = SimpleUploadedFile("panduan.pdf", pdf_bytes(), content_type="application/pdf")
    assert client.post(add_url, {"title": "Panduan", "file": pdf}).status_code == 302
    material = session.materials.get()
    file_url = url(replication, f"materi/{material.pk}/")
    assert file_url in client.get(url(replication)).text
    download = client.get(file_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    client.logout()
    assert client.get(file_url)["Location"].startswith("/masuk/")


def test_a_cancelled_replication_shows_why_and_offers_no_more_forms(client, replication, penerima_editor):
    client.force_login(penerima_editor)
    assert client.post(url(replication, "fase/"), {"phase": "dibatalkan"}).status_code == 400  # no reason
    data = {"phase": "dibatalkan", "reason": "Anggaran dialihkan."}
    assert client.post(url(replication, "fase/"), data).status_code == 302
    html = client.get(url(replication)).text
    assert "Anggaran dialihkan." in html
    assert url(replication, "fase/") not in html and url(replication, "pertanyaan/") not in html
    assert client.post(url(replication, "pertanyaan/"), {"title": "x", "body": "y"}).status_code == 400
    assert Question.objects.count() == 0


def test_questions_are_asked_and_answered_in_a_thread(client, replication, asal_editor):
    asker = member_of(BATANG, "developer")
    client.force_login(asker)
    assert client.post(url(replication, "pertanyaan/"), {"title": "", "body": ""}).status_code == 400
    assert Question.objects.count() == 0
    data = {"title": "SLA per OPD?", "body": "Bagaimana mengaturnya?"}
    assert client.post(url(replication, "pertanyaan/"), data).status_code == 302
    question = Question.objects.get()
    client.force_login(asal_editor)
    assert client.post(url(replication, f"pertanyaan/{question.pk}/jawab/"), {"body": ""}).status_code == 400
    assert (
        client.post(
            url(replication, f"pertanyaan/{question.pk}/jawab/"), {"body": "Di menu SLA."}
        ).status_code
        == 302
    )
    question.refresh_from_db()
    assert question.state == QuestionState.ANSWERED
    client.force_login(member_of(BONTANG, "editor"))
    assert (
        client.post(url(replication, f"pertanyaan/{question.pk}/jawab/"), {"body": "Saya juga"}).status_code
        == 403
    )
    assert Answer.objects.count() == 1


def test_the_evaluation_records_before_and_after_figures(client, replication, penerima_editor):
    Replication.objects.filter(pk=replication.pk).update(phase=Phase.EVALUASI)
    client.force_login(penerima_editor)
    figure = {
        "figures-0-label": "Laporan dalam SLA",
        "figures-0-unit": "%",
        "figures-0-before_value": "40",
        "figures-0-before_on": "2026-01-01",
        "figures-0-after_value": "85",
        "figures-0-after_on": "2025-11-01",  # before the "before"
    }
    data = {"service_live": "on", "lessons": "Mulai dari laporan.", "figures-TOTAL_FORMS": "2",
            "figures-INITIAL_FORMS": "0", **figure}  # fmt: skip
    response = client.post(url(replication, "evaluasi/"), data)
    assert response.status_code == 400
    assert response.context["figure_formset"].forms[0].non_field_errors()  # on the row it belongs to
    assert Evaluation.objects.count() == 0
    assert (
        client.post(url(replication, "evaluasi/"), {**data, "figures-0-after_on": "2026-11-01"}).status_code
        == 302
    )
    evaluation = Evaluation.objects.get()
    assert evaluation.service_live and evaluation.figures.get().after_value == 85
    assert client.post(url(replication, "fase/"), {"phase": "selesai"}).status_code == 302
    assert "Laporan dalam SLA" in client.get(replication.app.get_absolute_url()).text


def test_evaluation_form_is_refused_to_the_originating_region(client, replication, asal_editor):
    Replication.objects.filter(pk=replication.pk).update(phase=Phase.EVALUASI)
    client.force_login(asal_editor)
    data = {"service_live": "on", "figures-TOTAL_FORMS": "0", "figures-INITIAL_FORMS": "0"}
    assert client.post(url(replication, "evaluasi/"), data).status_code == 403
    assert Evaluation.objects.count() == 0


def test_the_page_runs_constant_queries(client, replication, mentor, asal_editor):
    def count(user=None):
        if user:
            client.force_login(user)
        else:
            client.logout()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(replication)).status_code == 200
        return len(ctx.captured_queries)

    def add(n):
        for _ in range(n):
            session = factories.MentoringSessionFactory(replication=replication)
            session.mentors.add(mentor)
            session.materials.create(title="Materi", url="https://example.org/m.pdf")
            question = factories.QuestionFactory(replication=replication, state=QuestionState.ANSWERED)
            Answer.objects.create(question=question, body="Jawaban.", side="asal")
            factories.ActionItemFactory(replication=replication)

    add(1)
    before = count(), count(asal_editor)
    add(3)
    assert (count(), count(asal_editor)) == before


# The list ----------------------------------------------------------------------------------------


def test_list_filters_with_the_filterset_and_refuses_bad_filters(client, app):
    factories.ReplicationFactory(app=app, phase=Phase.REPLIKASI)
    factories.ReplicationFactory(app=app, penerima=factories.region(BONTANG))
    page = client.get("/replikasi/", {"phase": "replikasi"})
    assert page.status_code == 200
    assert "Kabupaten Batang" in page.text and "Kota Bontang" not in page.text
    assert "Kota Bontang" in client.get("/replikasi/", {"region": BONTANG}).text
    assert client.get("/replikasi/", {"phase": "nonsense"}).status_code == 400


def test_the_request_form_offers_the_provinces_first_as_facilitators(client, app, penerima_editor):
    client.force_login(penerima_editor)
    html = client.get("/replikasi/minta/program-pelaporan/").content.decode()
    select = html[html.index('name="fasilitator"') :]
    first_codes = re.findall(r'<option value="([\d.]+)"', select)[:38]
    assert first_codes and all("." not in code for code in first_codes)  # 38 province codes, no regency
