"""Words of the replication pages and notices: numbers said as they are, short names on cards with the
explanation where one is chosen, natural labels for the evaluation's dates."""

import datetime

import pytest
from django.core import mail
from django.utils import translation

from replication import choices, notices
from replication.choices import UNANSWERED_AFTER_WORKING_DAYS, NoticeKind, ReplicationModel
from replication.forms import FigureForm, RequestForm
from replication.models import EvaluationFigure
from replication.notices.daily import _unanswered_subject
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

SEMARANG, BATANG = "33.74", "33.25"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_unanswered_question_notice_says_the_number_of_days_it_waits(monkeypatch):
    assert str(NoticeKind.QUESTION_UNANSWERED.label) == "Question unanswered for 3 working days"
    monkeypatch.setattr(choices, "UNANSWERED_AFTER_WORKING_DAYS", 1)
    assert str(NoticeKind.QUESTION_UNANSWERED.label) == "Question unanswered for 1 working day"
    assert (
        _unanswered_subject(1)
        == "A question about %(app)s has waited %(working_days)d working day for an answer"
    )
    assert "working days" in _unanswered_subject(5)


def test_the_unanswered_question_email_subject_has_the_real_number(regions):
    replication = factories.ReplicationFactory()
    member_of(SEMARANG, "admin", username="asal-admin")
    question = factories.QuestionFactory(replication=replication)
    asked_at = datetime.datetime(2026, 11, 30, 15, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    type(question).objects.filter(pk=question.pk).update(asked_at=asked_at)
    assert notices.send_unanswered_question_notices(today=datetime.date(2026, 12, 10)) == 1
    [message] = mail.outbox
    assert f" {UNANSWERED_AFTER_WORKING_DAYS} " in message.subject
    assert "%(" not in message.subject and replication.app.name in message.subject


def test_the_evaluation_dates_read_naturally():
    form = FigureForm()
    assert (form.fields["before_on"].label, form.fields["after_on"].label) == (
        "Before: measured on",
        "After: measured on",
    )
    field = EvaluationFigure._meta.get_field
    assert (field("before_on").verbose_name, field("after_on").verbose_name) == (
        "before: measured on",
        "after: measured on",
    )


def test_cards_show_the_short_model_name_and_the_request_form_explains_them(client, regions):
    factories.ReplicationFactory(model=ReplicationModel.KEMITRAAN)
    factories.AppFactory(slug="program-pelaporan", owner_region=factories.region(SEMARANG))

    html = client.get("/replikasi/", HTTP_ACCEPT_LANGUAGE="en").text
    assert str(ReplicationModel.KEMITRAAN.label) in html
    assert "the originating region mentors" not in html

    help_text = str(RequestForm.base_fields["model"].help_text)
    assert "Partnership: the originating region mentors." in help_text
    assert "Independent: the recipient replicates from the documentation." in help_text
    client.force_login(member_of(BATANG, "editor"))
    html = client.get("/replikasi/minta/program-pelaporan/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "the originating region mentors" in html
