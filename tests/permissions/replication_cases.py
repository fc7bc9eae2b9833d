"""Every write of the replication API, as one case each: arrange, act, check what is saved.

The table's roles are the home region's (Kabupaten Batang), so each case gives HOME the side that acts:
the recipient (penerima) where the recipient writes (request, evaluation, questions), the originating
region (asal, the app's owner) where the asal writes (accept, contacts, sessions, answers), the
facilitator in the `*_by_fasilitator` cases. Kota Semarang (THIRD) is the other side; "other" members are
of Kota Bontang, which has no part in any of it. The `*_by_penerima` cases show a side refused a write that
is the other side's.
"""

import datetime

from replication.choices import Phase, QuestionState, RequestState
from replication.models import ActionItem, Answer, MentorContact, MentoringSession, Question, Replication
from tests import factories

from .cases import HOME, THIRD, changed

FASILITATED = "33.26"  # the recipient when HOME facilitates (Kabupaten Pekalongan)
WIB = datetime.timezone(datetime.timedelta(hours=7))


def _replication(*, asal: str, penerima: str, fasilitator: str | None = None, **fields) -> Replication:
    app = factories.AppFactory(slug="lapor", owner_region=factories.region(asal))
    return factories.ReplicationFactory(
        app=app,
        penerima=factories.region(penerima),
        fasilitator=factories.region(fasilitator) if fasilitator else None,
        model="fasilitasi" if fasilitator else "kemitraan",
        **fields,
    )


def home_receives(**fields) -> Replication:
    """HOME replicates THIRD's app."""
    return _replication(asal=THIRD, penerima=HOME, **fields)


def home_mentors(**fields) -> Replication:
    """THIRD replicates HOME's app."""
    return _replication(asal=HOME, penerima=THIRD, **fields)


def home_facilitates(**fields) -> Replication:
    """Another region replicates THIRD's app through HOME."""
    return _replication(asal=THIRD, penerima=FASILITATED, fasilitator=HOME, **fields)


# Replications ----------------------------------------------------------------------------------------


def replication_request(client, status):
    factories.AppFactory(slug="lapor", owner_region=factories.region(THIRD))
    body = {"app": "lapor", "penerima": HOME, "model": "kemitraan", "message": "Mohon dibimbing."}
    response = client.post("/api/v1/replications/", body, format="json")
    assert Replication.objects.exists() == changed(status), response.content
    return response


def replication_phase(client, status):
    replication = home_receives()
    response = client.post(
        f"/api/v1/replications/{replication.pk}/phase/", {"phase": Phase.RENCANA_PENGEMBANGAN}, format="json"
    )
    replication.refresh_from_db()
    assert (replication.phase == Phase.RENCANA_PENGEMBANGAN) == changed(status)
    assert replication.phase_changes.exists() == changed(status)
    return response


def _accept(client, status, replication):
    mentor = factories.MentorContactFactory(app=replication.app)
    response = client.post(
        f"/api/v1/replications/{replication.pk}/accept/", {"mentor": mentor.pk}, format="json"
    )
    replication.refresh_from_db()
    assert (replication.request_state == RequestState.ACCEPTED) == changed(status)
    assert (replication.mentor_id == mentor.pk) == changed(status)
    return response


def replication_accept(client, status):
    return _accept(client, status, home_mentors(request_state=RequestState.PENDING))


def replication_accept_by_penerima(client, status):
    # The recipient does not accept its own request, whatever its role.
    return _accept(client, status, home_receives(request_state=RequestState.PENDING))


def replication_decline(client, status):
    replication = home_mentors(request_state=RequestState.PENDING)
    response = client.post(
        f"/api/v1/replications/{replication.pk}/decline/", {"reason": "Belum ada mentor."}, format="json"
    )
    replication.refresh_from_db()
    assert (replication.request_state == RequestState.DECLINED) == changed(status)
    assert (replication.phase == Phase.DIBATALKAN) == changed(status)
    return response


def replication_evaluation(client, status):
    replication = home_receives(phase=Phase.EVALUASI)
    body = {
        "service_live": True,
        "lessons": "Mulai dari laporan warga.",
        "figures": [
            {
                "label": "Laporan dijawab sesuai SLA",
                "unit": "%",
                "before_value": "40",
                "before_on": "2026-01-01",
                "after_value": "85",
                "after_on": "2026-11-01",
            }
        ],
    }
    response = client.put(f"/api/v1/replications/{replication.pk}/evaluation/", body, format="json")
    assert hasattr(Replication.objects.get(pk=replication.pk), "evaluation") == changed(status)
    return response


# Mentor contacts: the app's owner region -------------------------------------------------------------


def mentor_contact_create(client, status):
    factories.AppFactory(slug="lapor", owner_region=factories.region(HOME))
    body = {"app": "lapor", "name": "Bu Rina", "position": "Kabid Aptika", "phone": "0812 3456 7890"}
    response = client.post("/api/v1/mentor-contacts/", body, format="json")
    assert MentorContact.objects.exists() == changed(status), response.content
    return response


def _contact() -> MentorContact:
    app = factories.AppFactory(slug="lapor", owner_region=factories.region(HOME))
    return factories.MentorContactFactory(app=app, name="Lama")


def mentor_contact_patch(client, status):
    contact = _contact()
    response = client.patch(f"/api/v1/mentor-contacts/{contact.pk}/", {"name": "Baru"}, format="json")
    contact.refresh_from_db()
    assert contact.name == ("Baru" if changed(status) else "Lama")
    return response


def mentor_contact_delete(client, status):
    contact = _contact()
    response = client.delete(f"/api/v1/mentor-contacts/{contact.pk}/")
    assert MentorContact.objects.filter(pk=contact.pk).exists() != changed(status)
    return response


# The action plan: any side's editors and admins; others do not see it --------------------------------


def action_item_create(client, status):
    replication = home_receives()
    body = {"replication": replication.pk, "title": "Bentuk tim", "side": "penerima", "due_on": "2026-12-31"}
    response = client.post("/api/v1/action-items/", body, format="json")
    assert ActionItem.objects.exists() == changed(status), response.content
    return response


def action_item_patch(client, status):
    item = factories.ActionItemFactory(replication=home_receives(), title="Lama")
    response = client.patch(f"/api/v1/action-items/{item.pk}/", {"title": "Baru"}, format="json")
    item.refresh_from_db()
    assert item.title == ("Baru" if changed(status) else "Lama")
    return response


def action_item_delete(client, status):
    item = factories.ActionItemFactory(replication=home_receives())
    response = client.delete(f"/api/v1/action-items/{item.pk}/")
    assert ActionItem.objects.filter(pk=item.pk).exists() != changed(status)
    return response


# Bimtek sessions: the originating region or the facilitator ------------------------------------------


def _session_create(client, status, replication):
    body = {
        "replication": replication.pk,
        "starts_at": "2026-12-10T09:00:00+07:00",
        "ends_at": "2026-12-10T12:00:00+07:00",
        "mode": "luring",
        "topic": "Command Center",
    }
    response = client.post("/api/v1/mentoring-sessions/", body, format="json")
    assert MentoringSession.objects.exists() == changed(status), response.content
    return response


def session_create(client, status):
    return _session_create(client, status, home_mentors())


def session_create_by_penerima(client, status):
    return _session_create(client, status, home_receives())


def session_create_by_fasilitator(client, status):
    return _session_create(client, status, home_facilitates())


def session_patch(client, status):
    session = factories.MentoringSessionFactory(replication=home_mentors(), topic="Lama")
    response = client.patch(f"/api/v1/mentoring-sessions/{session.pk}/", {"topic": "Baru"}, format="json")
    session.refresh_from_db()
    assert (session.topic, session.sequence) == (("Baru", 1) if changed(status) else ("Lama", 0))
    return response


def session_delete(client, status):
    session = factories.MentoringSessionFactory(replication=home_mentors())
    response = client.delete(f"/api/v1/mentoring-sessions/{session.pk}/")
    assert MentoringSession.objects.filter(pk=session.pk).exists() != changed(status)
    return response


def session_material(client, status):
    session = factories.MentoringSessionFactory(replication=home_mentors())
    body = {"title": "Rekaman bimtek", "url": "https://video.example.test/bimtek"}
    response = client.post(f"/api/v1/mentoring-sessions/{session.pk}/materials/", body, format="json")
    assert session.materials.exists() == changed(status)
    return response


# Questions: the recipient asks (developers too), the originating region or the facilitator answers --


def question_ask(client, status):
    replication = home_receives()
    body = {"replication": replication.pk, "title": "SLA per OPD", "body": "Bagaimana mengaturnya?"}
    response = client.post("/api/v1/questions/", body, format="json")
    assert Question.objects.exists() == changed(status), response.content
    return response


def _answer(client, status, replication):
    question = factories.QuestionFactory(replication=replication)  # open: only the sides read it
    response = client.post(f"/api/v1/questions/{question.pk}/answers/", {"body": "24 jam."}, format="json")
    question.refresh_from_db()
    assert Answer.objects.exists() == changed(status)
    assert (question.state == QuestionState.ANSWERED) == changed(status)
    return response


def question_answer(client, status):
    return _answer(client, status, home_mentors())


def question_answer_by_fasilitator(client, status):
    return _answer(client, status, home_facilitates())


def question_close(client, status):
    question = factories.QuestionFactory(replication=home_receives())
    response = client.post(f"/api/v1/questions/{question.pk}/close/")
    question.refresh_from_db()
    assert (question.state == QuestionState.CLOSED) == changed(status)
    return response
