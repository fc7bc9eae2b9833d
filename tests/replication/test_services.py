"""Replication services: requests, acceptance, phases, questions, sessions, evaluation; bad input is a
field error with nothing saved, a non-member is refused."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registry.models import Membership
from replication import services
from replication.choices import Phase, QuestionState, RequestState
from replication.models import PhaseChange, Replication
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

SEMARANG, BATANG, BONTANG = "33.74", "33.25", "64.74"
WIB = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def app(regions):
    return factories.AppFactory(slug="program-pelaporan", owner_region=factories.region(SEMARANG))


@pytest.fixture
def mentor(app):
    return factories.MentorContactFactory(app=app)


def batang_editor():
    user = factories.UserFactory(username="editor-batang")  # the same user on every call
    Membership.objects.get_or_create(user=user, region=factories.region(BATANG), defaults={"role": "editor"})
    return user


def request(app, user=None, **kwargs):
    kwargs.setdefault("model", "kemitraan")
    return services.replication_request(
        user=user or batang_editor(), app=app, penerima=factories.region(BATANG), **kwargs
    )


def test_a_request_waits_for_the_originating_region_and_starts_in_preparation(app):
    replication = request(app, message="Mohon pendampingan.")
    assert (replication.asal_id, replication.phase, replication.request_state) == (
        SEMARANG,
        Phase.PERSIAPAN,
        RequestState.PENDING,
    )
    assert list(replication.phase_changes.values_list("from_phase", "to_phase")) == [("", Phase.PERSIAPAN)]


def test_an_independent_replication_asks_nobody(app):
    assert request(app, model="mandiri").request_state == RequestState.NOT_NEEDED


@pytest.mark.parametrize("role", ["viewer", "developer"])
def test_only_editors_and_admins_of_the_recipient_ask(app, role):
    with pytest.raises(PermissionDenied):
        request(app, user=member_of(BATANG, role))
    with pytest.raises(PermissionDenied):
        request(app, user=member_of(BONTANG, "editor", username="bontang"))
    assert Replication.objects.count() == 0


def test_one_open_replication_per_app_and_region(app):
    request(app)
    with pytest.raises(ValidationError) as excinfo:
        request(app, user=member_of(BATANG, "admin", username="admin-batang"))
    assert "app" in excinfo.value.message_dict
    assert Replication.objects.count() == 1


def test_the_mou_must_be_signed_by_both_regions(app):
    foreign = factories.MoUFactory(party_codes=(BONTANG, SEMARANG))
    with pytest.raises(ValidationError) as excinfo:
        request(app, mou=foreign)
    assert "mou" in excinfo.value.message_dict and Replication.objects.count() == 0
    own = factories.MoUFactory(party_codes=(BATANG, SEMARANG))
    assert request(app, mou=own).mou == own


def test_a_facilitated_replication_names_its_facilitator(app):
    with pytest.raises(ValidationError) as excinfo:
        request(app, model="fasilitasi")
    assert "fasilitator" in excinfo.value.message_dict
    assert request(app, model="fasilitasi", fasilitator=factories.region("33")).fasilitator_id == "33"


def test_acceptance_names_a_mentor_of_the_app_and_declining_says_why(app, mentor):
    replication = request(app)
    semarang = member_of(SEMARANG, "editor")
    with pytest.raises(PermissionDenied):
        services.replication_accept(
            user=member_of(BATANG, "admin", username="b"), replication=replication, mentor=mentor
        )
    other_mentor = factories.MentorContactFactory()
    with pytest.raises(ValidationError):
        services.replication_accept(user=semarang, replication=replication, mentor=other_mentor)
    accepted = services.replication_accept(user=semarang, replication=replication, mentor=mentor)
    assert (accepted.request_state, accepted.mentor) == (RequestState.ACCEPTED, mentor)
    with pytest.raises(ValidationError):
        services.replication_decline(user=semarang, replication=accepted, reason="Terlambat.")


def test_a_declined_request_ends_the_replication(app):
    replication = request(app)
    semarang = member_of(SEMARANG, "admin")
    with pytest.raises(ValidationError) as excinfo:
        services.replication_decline(user=semarang, replication=replication, reason=" ")
    assert "reason" in excinfo.value.message_dict
    declined = services.replication_decline(
        user=semarang, replication=replication, reason="Tim sedang penuh."
    )
    assert (declined.phase, declined.cancel_reason) == (Phase.DIBATALKAN, "Tim sedang penuh.")
    request(app)  # the region may ask again


def test_phases_move_one_at_a_time_back_with_a_reason_and_complete_after_evaluation(app, mentor):
    batang = batang_editor()
    replication = request(app, user=batang)
    move = services.replication_move_phase
    with pytest.raises(ValidationError):  # not accepted yet
        move(user=batang, replication=replication, phase=Phase.RENCANA_PENGEMBANGAN)
    services.replication_accept(user=member_of(SEMARANG, "editor"), replication=replication, mentor=mentor)
    with pytest.raises(ValidationError):  # a jump
        move(user=batang, replication=replication, phase=Phase.REPLIKASI)
    move(user=batang, replication=replication, phase=Phase.RENCANA_PENGEMBANGAN)
    with pytest.raises(ValidationError) as excinfo:
        move(user=batang, replication=replication, phase=Phase.PERSIAPAN)
    assert "reason" in excinfo.value.message_dict
    move(user=batang, replication=replication, phase=Phase.PERSIAPAN, reason="Tim berganti.")
    for phase in (Phase.RENCANA_PENGEMBANGAN, Phase.REPLIKASI, Phase.EVALUASI):
        move(user=batang, replication=replication, phase=phase)
    with pytest.raises(ValidationError):  # no evaluation yet
        move(user=batang, replication=replication, phase=Phase.SELESAI)
    services.evaluation_record(
        user=batang,
        replication=replication,
        service_live=True,
        lessons="Mulai dari penanganan laporan warga.",
        figures=[
            services.FigureInput(
                label="Laporan selesai dalam SLA",
                unit="%",
                before_value=Decimal("61"),
                before_on=datetime.date(2025, 1, 31),
                after_value=Decimal("88"),
                after_on=datetime.date(2026, 6, 30),
            )
        ],
    )
    done = move(user=batang, replication=replication, phase=Phase.SELESAI)
    assert done.phase == Phase.SELESAI
    changes = PhaseChange.objects.filter(replication=replication)
    assert changes.count() == 7 and changes.filter(reason="Tim berganti.").exists()
    with pytest.raises(ValidationError):
        move(user=batang, replication=replication, phase=Phase.DIBATALKAN, reason="x")


def test_evaluation_figures_after_before_their_before_are_refused(app):
    batang = member_of(BATANG, "editor")
    replication = factories.ReplicationFactory(app=app, phase=Phase.EVALUASI)
    bad = services.FigureInput(
        label="SLA",
        before_value=Decimal(1),
        before_on=datetime.date(2026, 1, 1),
        after_value=Decimal(2),
        after_on=datetime.date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        services.evaluation_record(user=batang, replication=replication, service_live=True, figures=[bad])
    assert "figures[0]" in excinfo.value.message_dict


def test_questions_are_asked_by_the_recipient_and_answered_by_the_mentors(app):
    replication = factories.ReplicationFactory(app=app)
    developer = member_of(BATANG, "developer")
    question = services.question_ask(user=developer, replication=replication, title="SLA", body="Berapa jam?")
    with pytest.raises(PermissionDenied):
        services.question_ask(
            user=member_of(SEMARANG, "editor"), replication=replication, title="x", body="y"
        )
    answer = services.answer_post(user=member_of(SEMARANG, "developer"), question=question, body="72 jam.")
    question.refresh_from_db()
    assert (question.state, answer.side) == (QuestionState.ANSWERED, "asal")
    assert question.first_answered_at is not None
    services.answer_post(user=developer, question=question, body="Termasuk hari libur?")
    question.refresh_from_db()
    assert question.state == QuestionState.OPEN
    with pytest.raises(PermissionDenied):
        services.answer_post(user=member_of(BONTANG, "editor"), question=question, body="?")


def test_a_session_ending_before_it_starts_is_refused(app):
    replication = factories.ReplicationFactory(app=app)
    start = datetime.datetime(2026, 12, 10, 9, tzinfo=WIB)
    semarang = member_of(SEMARANG, "editor")
    with pytest.raises(ValidationError) as excinfo:
        services.session_create(
            user=semarang,
            replication=replication,
            starts_at=start,
            ends_at=start,
            mode="daring",
            topic="Bimtek",
        )
    assert "ends_at" in excinfo.value.message_dict
    with pytest.raises(PermissionDenied):
        services.session_create(
            user=member_of(BATANG, "editor"),
            replication=replication,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            mode="daring",
            topic="Bimtek",
        )
    session = services.session_create(
        user=semarang,
        replication=replication,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        mode="luring",
        topic="Bimtek",
    )
    updated = services.session_update(user=semarang, session=session, topic="Bimtek pengaduan")
    assert (session.sequence, updated.sequence) == (0, 1)
    # Minutes change nobody's calendar: the same revision.
    noted = services.session_update(user=semarang, session=updated, minutes="Peserta 12 orang.")
    assert noted.sequence == 1


def test_a_fork_joins_the_open_replication_or_opens_an_independent_one(app):
    developer = member_of(BATANG, "developer")
    opened = services.replication_for_fork(user=developer, app=app, region=factories.region(BATANG))
    assert (opened.model, opened.request_state) == ("mandiri", RequestState.NOT_NEEDED)
    again = services.replication_for_fork(user=developer, app=app, region=factories.region(BATANG))
    assert again == opened
    assert services.replication_for_fork(user=developer, app=app, region=factories.region(SEMARANG)) is None
