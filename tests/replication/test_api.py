"""The replication API: the flow from request to evaluation, who reads what (contact data, the action
plan, internal questions), bad input as field errors with nothing saved, and query counts that do not grow
with the rows listed. Who may write what, role by role: tests/permissions/ (replication_cases.py)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfWriter

from registry.models import Membership
from replication.choices import Phase, QuestionState, RequestState
from replication.models import (
    ActionItem,
    Evaluation,
    MentoringSession,
    Question,
    Replication,
    SessionMaterial,
)
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

SEMARANG, BATANG, BONTANG = "33.74", "33.25", "64.74"


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = pdf_bytes()


@pytest.fixture
def app(regions):
    return factories.AppFactory(slug="program-pelaporan", owner_region=factories.region(SEMARANG))


@pytest.fixture
def replication(app):
    return factories.ReplicationFactory(app=app)


def as_user(api, code, role):
    """Sign `api` in as the `role` member of `code` (the same user on every call)."""
    user = factories.UserFactory(username=f"{role}-{code}")
    Membership.objects.get_or_create(user=user, region=factories.region(code), defaults={"role": role})
    api.force_authenticate(user)
    return user


# The flow ---------------------------------------------------------------------------------------------


def test_request_accept_schedule_ask_answer_and_evaluate(api, app, media_root):
    mentor = factories.MentorContactFactory(app=app, name="Bu Rina")
    as_user(api, BATANG, "editor")
    created = api.post(
        "/api/v1/replications/",
        {"app": app.slug, "penerima": BATANG, "model": "kemitraan", "message": "Mohon dibimbing."},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert created["Location"] == body["url"]
    assert (body["asal"]["code"], body["penerima"]["code"], body["request_state"]) == (
        SEMARANG,
        BATANG,
        RequestState.PENDING,
    )
    assert body["phase_history"][0]["to_phase"] == Phase.PERSIAPAN
    pk = body["id"]

    as_user(api, SEMARANG, "editor")
    accepted = api.post(f"/api/v1/replications/{pk}/accept/", {"mentor": mentor.pk})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["mentor"] == {"id": mentor.pk, "name": "Bu Rina", "position": mentor.position}

    session = api.post(
        "/api/v1/mentoring-sessions/",
        {
            "replication": pk,
            "starts_at": "2026-12-10T09:00:00+07:00",
            "ends_at": "2026-12-10T12:00:00+07:00",
            "mode": "luring",
            "topic": "Command Center",
            "mentors": [mentor.pk],
        },
    )
    assert session.status_code == 201, session.content
    session_id = session.json()["id"]
    assert session.json()["mentors"][0]["name"] == "Bu Rina"
    upload = api.post(
        f"/api/v1/mentoring-sessions/{session_id}/materials/",
        {"title": "Paparan", "file": SimpleUploadedFile("paparan.html", PDF, "text/html")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    download = api.get(upload.json()["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    assert "/media/" not in upload.json()["url"]

    as_user(api, BATANG, "developer")
    asked = api.post("/api/v1/questions/", {"replication": pk, "title": "SLA", "body": "Berapa jam?"})
    assert asked.status_code == 201, asked.content
    assert asked.json()["time_to_first_answer"] is None
    question_id = asked.json()["id"]

    as_user(api, SEMARANG, "developer")
    answered = api.post(f"/api/v1/questions/{question_id}/answers/", {"body": "24 jam."})
    assert answered.status_code == 201, answered.content
    assert answered.json()["side"] == "asal"
    api.force_authenticate(None)
    public = api.get(f"/api/v1/questions/{question_id}/").json()
    assert public["state"] == QuestionState.ANSWERED
    assert public["answers"][0]["body"] == "24 jam."
    assert public["time_to_first_answer"] >= 0

    as_user(api, BATANG, "editor")
    for phase in (Phase.RENCANA_PENGEMBANGAN, Phase.REPLIKASI, Phase.EVALUASI):
        moved = api.post(f"/api/v1/replications/{pk}/phase/", {"phase": phase})
        assert moved.status_code == 200, moved.content
    evaluation = {
        "service_live": True,
        "lessons": "Mulai dari laporan warga.",
        "figures": [
            {
                "label": "Laporan dijawab sesuai SLA",
                "unit": "%",
                "before_value": "40.00",
                "before_on": "2026-01-01",
                "after_value": "85.50",
                "after_on": "2026-11-01",
            }
        ],
    }
    recorded = api.put(f"/api/v1/replications/{pk}/evaluation/", evaluation, format="json")
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["figures"][0]["after_value"] == "85.50"
    done = api.post(f"/api/v1/replications/{pk}/phase/", {"phase": Phase.SELESAI})
    assert done.status_code == 200, done.content
    detail = api.get(f"/api/v1/replications/{pk}/").json()
    assert [change["to_phase"] for change in detail["phase_history"]] == [
        Phase.PERSIAPAN,
        Phase.RENCANA_PENGEMBANGAN,
        Phase.REPLIKASI,
        Phase.EVALUASI,
        Phase.SELESAI,
    ]
    assert detail["phase_history"][1]["changed_by"] == f"editor-{BATANG}"
    assert detail["evaluation"]["service_live"] is True
    assert (detail["session_count"], detail["question_count"]) == (1, 1)


def test_decline_needs_a_reason_and_cancels(api, app):
    replication = factories.ReplicationFactory(app=app, request_state=RequestState.PENDING)
    as_user(api, SEMARANG, "admin")
    refused = api.post(f"/api/v1/replications/{replication.pk}/decline/", {"reason": "  "})
    assert refused.status_code == 400 and "reason" in refused.json()
    declined = api.post(f"/api/v1/replications/{replication.pk}/decline/", {"reason": "Belum siap."})
    assert declined.status_code == 200, declined.content
    assert (declined.json()["phase"], declined.json()["cancel_reason"]) == (Phase.DIBATALKAN, "Belum siap.")


# Bad input: a field error, nothing saved ---------------------------------------------------------------


def test_an_mou_the_regions_are_not_party_to_is_a_400(api, app):
    mou = factories.MoUFactory(party_codes=(BONTANG, SEMARANG))
    as_user(api, BATANG, "editor")
    response = api.post(
        "/api/v1/replications/", {"app": app.slug, "penerima": BATANG, "model": "kemitraan", "mou": mou.pk}
    )
    assert response.status_code == 400 and "mou" in response.json()
    assert not Replication.objects.exists()


def test_an_unknown_region_is_a_field_error(api, app):
    as_user(api, BATANG, "editor")
    response = api.post("/api/v1/replications/", {"app": app.slug, "penerima": "99.99", "model": "mandiri"})
    assert response.status_code == 400 and "penerima" in response.json()


def test_going_back_a_phase_needs_a_reason(api, replication):
    Replication.objects.filter(pk=replication.pk).update(phase=Phase.REPLIKASI)
    as_user(api, BATANG, "editor")
    response = api.post(f"/api/v1/replications/{replication.pk}/phase/", {"phase": Phase.PERSIAPAN})
    assert response.status_code == 400 and "reason" in response.json()
    replication.refresh_from_db()
    assert replication.phase == Phase.REPLIKASI and replication.phase_changes.count() == 0


def test_a_session_ending_before_it_starts_is_a_400(api, replication):
    as_user(api, SEMARANG, "editor")
    response = api.post(
        "/api/v1/mentoring-sessions/",
        {
            "replication": replication.pk,
            "starts_at": "2026-12-10T12:00:00+07:00",
            "ends_at": "2026-12-10T09:00:00+07:00",
            "mode": "daring",
            "topic": "Bimtek",
        },
    )
    assert response.status_code == 400 and "ends_at" in response.json()
    assert not MentoringSession.objects.exists()


def test_a_material_that_is_not_a_pdf_or_slides_is_refused(api, replication, media_root):
    session = factories.MentoringSessionFactory(replication=replication)
    as_user(api, SEMARANG, "editor")
    response = api.post(
        f"/api/v1/mentoring-sessions/{session.pk}/materials/",
        {"title": "Bukan", "file": SimpleUploadedFile("a.pdf", b"<html>", "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 400 and "file" in response.json()
    both = api.post(
        f"/api/v1/mentoring-sessions/{session.pk}/materials/",
        {"title": "Dua", "url": "https://example.test/a", "file": SimpleUploadedFile("a.pdf", PDF)},
        format="multipart",
    )
    assert both.status_code == 400
    assert not SessionMaterial.objects.exists()


def test_a_link_material_has_no_download(api, replication):
    session = factories.MentoringSessionFactory(replication=replication)
    as_user(api, SEMARANG, "editor")
    link = api.post(
        f"/api/v1/mentoring-sessions/{session.pk}/materials/", {"title": "Rekaman", "url": "https://x.test/v"}
    )
    assert link.status_code == 201, link.content
    assert link.json() == {
        "id": link.json()["id"],
        "title": "Rekaman",
        "kind": "link",
        "url": "https://x.test/v",
    }
    assert (
        api.get(f"/api/v1/mentoring-sessions/{session.pk}/materials/{link.json()['id']}/").status_code == 404
    )


def test_an_evaluation_outside_the_evaluation_phase_is_a_400(api, replication):
    as_user(api, BATANG, "editor")
    response = api.put(
        f"/api/v1/replications/{replication.pk}/evaluation/", {"service_live": True}, format="json"
    )
    assert response.status_code == 400 and "phase" in response.json()
    assert not Evaluation.objects.exists()


# Who reads what --------------------------------------------------------------------------------------


def test_contact_details_only_for_members_of_a_region(api, app):
    factories.MentorContactFactory(app=app, phone="6281234567890", email="rina@semarangkota.go.id")
    anonymous = api.get("/api/v1/mentor-contacts/").json()["results"][0]
    assert (anonymous["email"], anonymous["phone"], anonymous["whatsapp_url"]) == (None, None, None)
    api.force_authenticate(factories.UserFactory(username="no-region"))
    assert api.get("/api/v1/mentor-contacts/").json()["results"][0]["email"] is None
    as_user(api, BONTANG, "viewer")
    member = api.get("/api/v1/mentor-contacts/").json()["results"][0]
    assert member["email"] == "rina@semarangkota.go.id"
    assert member["whatsapp_url"] == "https://wa.me/6281234567890"


def test_a_contact_phone_is_stored_as_62(api, app):
    as_user(api, SEMARANG, "editor")
    response = api.post(
        "/api/v1/mentor-contacts/", {"app": app.slug, "name": "Pak Budi", "phone": "0812 3456 7890"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["whatsapp_url"] == "https://wa.me/6281234567890"
    bad = api.post("/api/v1/mentor-contacts/", {"app": app.slug, "name": "X", "phone": "12345"})
    assert bad.status_code == 400 and "phone" in bad.json()


def test_the_action_plan_is_read_by_the_sides_only_and_overdue_is_computed(api, replication):
    factories.ActionItemFactory(replication=replication, title="Lewat", due_on=datetime.date(2020, 1, 1))
    factories.ActionItemFactory(replication=replication, title="Nanti", due_on=datetime.date(2999, 1, 1))
    assert api.get("/api/v1/action-items/").json()["count"] == 0
    as_user(api, BONTANG, "admin")
    assert api.get("/api/v1/action-items/").json()["count"] == 0
    as_user(api, BATANG, "viewer")
    rows = api.get("/api/v1/action-items/").json()["results"]
    assert [(row["title"], row["overdue"]) for row in rows] == [("Lewat", True), ("Nanti", False)]
    overdue = api.get("/api/v1/action-items/", {"overdue": "true"}).json()["results"]
    assert [row["title"] for row in overdue] == ["Lewat"]


def test_an_internal_or_unanswered_question_is_not_public(api, replication):
    factories.QuestionFactory(replication=replication, title="Terbuka")
    factories.QuestionFactory(replication=replication, title="Internal", state="answered", internal=True)
    factories.QuestionFactory(replication=replication, title="Publik", state="answered")
    assert [row["title"] for row in api.get("/api/v1/questions/").json()["results"]] == ["Publik"]
    as_user(api, BATANG, "viewer")
    assert api.get("/api/v1/questions/").json()["count"] == 3


def test_replication_filters(api, app):
    factories.ReplicationFactory(app=app)
    other = factories.AppFactory(owner_region=factories.region(BATANG))
    factories.ReplicationFactory(app=other, penerima=factories.region(BONTANG), phase=Phase.REPLIKASI)
    count = lambda **query: api.get("/api/v1/replications/", query).json()["count"]  # noqa: E731
    assert (count(region=BATANG), count(region=BONTANG), count(region=SEMARANG)) == (2, 1, 1)
    assert (count(app=app.slug), count(phase=Phase.REPLIKASI), count(model="mandiri")) == (1, 1, 0)
    assert count(request_state="accepted") == 2
    assert api.get("/api/v1/replications/", {"phase": "lain"}).status_code == 400


def test_session_filters_by_region_and_date(api, replication):
    factories.MentoringSessionFactory(replication=replication)
    later = datetime.datetime(2027, 2, 1, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    factories.MentoringSessionFactory(
        replication=replication, starts_at=later, ends_at=later + datetime.timedelta(hours=1)
    )
    count = lambda **query: api.get("/api/v1/mentoring-sessions/", query).json()["count"]  # noqa: E731
    assert (count(region=BATANG), count(region=BONTANG)) == (2, 0)
    assert (count(**{"from": "2027-01-01"}), count(to="2026-12-10"), count(to="2026-12-09")) == (1, 1, 0)


# Query counts ----------------------------------------------------------------------------------------


def _queries(api, path, user=None) -> int:
    api.force_authenticate(user)
    with CaptureQueriesContext(connection) as context:
        assert api.get(path).status_code == 200
    return len(context.captured_queries)


def _more(app, replication):
    """Rows of every kind, on more replications (which Batang facilitates, so that its members read their
    action plans too), so that a query per row would show."""
    for code in ("33.26", "33.27"):
        other = factories.ReplicationFactory(
            app=app,
            penerima=factories.region(code),
            fasilitator=factories.region(BATANG),
            model="fasilitasi",
            mentor=factories.MentorContactFactory(app=app),
        )
        contact = factories.MentorContactFactory(app=app)
        factories.ActionItemFactory(replication=other)
        session = factories.MentoringSessionFactory(replication=other)
        session.mentors.add(contact)
        question = factories.QuestionFactory(replication=other, state="answered")
        question.answers.create(body="Jawab", side="asal")
    for phase in (Phase.RENCANA_PENGEMBANGAN, Phase.REPLIKASI):
        replication.phase_changes.create(from_phase=Phase.PERSIAPAN, to_phase=phase)


LISTS = [
    "/api/v1/replications/",
    "/api/v1/mentor-contacts/",
    "/api/v1/action-items/",
    "/api/v1/mentoring-sessions/",
    "/api/v1/questions/",
]


@pytest.mark.parametrize("path", LISTS)
def test_list_queries_do_not_grow_with_the_rows(api, app, replication, path, django_assert_num_queries):
    member = member_of(BATANG, "viewer", username="viewer")
    contact = factories.MentorContactFactory(app=app)
    Replication.objects.filter(pk=replication.pk).update(mentor=contact)
    factories.ActionItemFactory(replication=replication)
    factories.MentoringSessionFactory(replication=replication).mentors.add(contact)
    factories.QuestionFactory(replication=replication, state="answered")
    one = _queries(api, path, member)
    _more(app, replication)
    api.force_authenticate(member)
    with django_assert_num_queries(one):
        response = api.get(path)
    assert response.json()["count"] >= 3


def test_detail_queries_do_not_grow_with_the_rows(
    api, app, replication, django_assert_num_queries, media_root
):
    member = member_of(BATANG, "viewer", username="viewer")
    session = factories.MentoringSessionFactory(replication=replication)
    question = factories.QuestionFactory(replication=replication, state="answered")
    evaluation = Evaluation.objects.create(replication=replication)
    figure = {
        "label": "SLA",
        "before_value": 1,
        "before_on": "2026-01-01",
        "after_value": 2,
        "after_on": "2026-02-01",
    }
    evaluation.figures.create(**figure)
    paths = {
        "replication": f"/api/v1/replications/{replication.pk}/",
        "session": f"/api/v1/mentoring-sessions/{session.pk}/",
        "question": f"/api/v1/questions/{question.pk}/",
    }
    counts = {name: _queries(api, path, member) for name, path in paths.items()}
    for _ in range(3):
        replication.phase_changes.create(from_phase=Phase.PERSIAPAN, to_phase=Phase.RENCANA_PENGEMBANGAN)
        session.mentors.add(factories.MentorContactFactory(app=app))
        session.agencies.add(factories.AgencyFactory(region=factories.region(BATANG)))
        session.materials.create(title="Tautan", url="https://x.test/")
        question.answers.create(body="Jawab", side="asal")
        evaluation.figures.create(**figure)
    api.force_authenticate(member)
    for name, path in paths.items():
        with django_assert_num_queries(counts[name]):
            assert api.get(path).status_code == 200, name
    assert ActionItem.objects.count() == 0 and Question.objects.count() == 1


def test_an_evaluation_without_figures_or_service_live_is_recorded_as_not_live(api, replication):
    Replication.objects.filter(pk=replication.pk).update(phase=Phase.EVALUASI)
    as_user(api, BATANG, "admin")
    response = api.put(f"/api/v1/replications/{replication.pk}/evaluation/", {}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["service_live"], response.json()["figures"]) == (False, [])


def test_a_figure_measured_after_before_it_was_measured_before_is_refused(api, replication):
    Replication.objects.filter(pk=replication.pk).update(phase=Phase.EVALUASI)
    as_user(api, BATANG, "editor")
    figure = {
        "label": "SLA",
        "before_value": "1",
        "before_on": "2026-02-01",
        "after_value": "2",
        "after_on": "2026-01-01",
    }
    response = api.put(
        f"/api/v1/replications/{replication.pk}/evaluation/",
        {"service_live": True, "figures": [figure]},
        format="json",
    )
    assert response.status_code == 400 and "figures" in response.json()
    assert not Evaluation.objects.exists()


def test_names_and_material_files_are_for_officials_as_on_the_pages(api, replication, media_root):
    """Who asked, answered or moved a phase, and uploaded materials: signed-in members of any region
    and staff (registry.permissions.may_see_contact_details); the regions are public."""
    asker = factories.UserFactory(username="penanya")
    factories.QuestionFactory(replication=replication, state="answered", asked_by=asker)
    replication.phase_changes.create(to_phase=Phase.PERSIAPAN, changed_by=asker)
    session = factories.MentoringSessionFactory(replication=replication)
    material = session.materials.create(title="Paparan", file=SimpleUploadedFile("p.pdf", PDF))
    download = f"/api/v1/mentoring-sessions/{session.pk}/materials/{material.pk}/"

    def seen():
        question = api.get("/api/v1/questions/").json()["results"][0]
        history = api.get(f"/api/v1/replications/{replication.pk}/").json()["phase_history"]
        return question["asked_by"], history[0]["changed_by"], api.get(download).status_code

    assert seen() == (None, None, 401)
    api.force_authenticate(factories.UserFactory(username="no-region"))
    assert seen() == (None, None, 403)
    as_user(api, BONTANG, "viewer")
    assert seen() == ("penanya", "penanya", 200)
