"""The demo replications: what the stories say, cited as the public cites them, loaded twice without
doubling."""

import pytest
from django.core.management import call_command

from replication.models import MentoringSession, Question, Replication

pytestmark = pytest.mark.django_db


def test_demo_replications_come_from_the_stories_and_load_idempotently(regions):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    pairs = set(Replication.objects.values_list("app__slug", "penerima_id", "model", "phase"))
    assert pairs == {
        ("program-pelaporan-kota-semarang", "33.25", "kemitraan", "persiapan"),
        ("program-pelaporan-kota-semarang", "64.74", "fasilitasi", "persiapan"),
        ("grms-jawa-tengah", "12", "kemitraan", "persiapan"),
    }
    batang = Replication.objects.get(penerima="33.25")
    assert batang.mou.signed_on.isoformat() == "2018-09-25"
    assert batang.source.startswith("Radar Pekalongan")
    first = MentoringSession.objects.get(replication=batang)
    assert first.date_only and first.study_visit.delegation_size == 90
    assert MentoringSession.objects.count() == 2 and Question.objects.count() == 1
    for replication in Replication.objects.all():
        assert "seeds/" not in replication.source and ".txt" not in replication.source
    answered = Question.objects.get()
    assert answered.answers.count() == 1 and answered.first_answered_at.year == 2019
