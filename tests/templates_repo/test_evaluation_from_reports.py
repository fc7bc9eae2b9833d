"""A replication's evaluation takes its before/after figures from two months its copy reported: on its
page and through the API, by the recipient's editors and admins, in the evaluation phase only."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from replication.choices import Phase
from replication.models import EvaluationFigure
from templates_repo import services
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

BATANG = "33.25"
URL = "/api/v1/replications/{}/evaluation/from-reports/"


@pytest.fixture
def replication(regions):
    """Batang replicates Semarang's complaint app; its copy reported January and October 2026."""
    version = factories.TemplateVersionFactory()
    replication = factories.ReplicationFactory(
        app=version.template.app, penerima=factories.region(BATANG), phase=Phase.EVALUASI
    )
    fork = factories.ForkFactory(version=version, region=factories.region(BATANG), replication=replication)
    factories.ServiceReportFactory(fork=fork, month=datetime.date(2026, 1, 1), figures={
        "reports_received": 40, "reports_resolved": 30, "resolved_within_sla": 40.0,
        "median_hours_to_resolve": None, "reports_per_channel.web": 40})  # fmt: skip
    factories.ServiceReportFactory(fork=fork, month=datetime.date(2026, 10, 1))
    return replication


def test_the_recipient_takes_two_reported_months_into_the_evaluation(api, replication):
    api.force_authenticate(member_of(BATANG, "editor"))
    answer = api.post(URL.format(replication.pk), {"before": "2026-01", "after": "2026-10"}, format="json")
    assert answer.status_code == 200, answer.content
    figures = {figure["label"]: figure for figure in answer.json()["figures"]}
    sla = figures["Selesai dalam SLA (laporan salinan)"]
    assert (sla["before_value"], sla["after_value"]) == ("40.00", "85.00")
    assert (sla["before_on"], sla["after_on"]) == ("2026-01-01", "2026-10-01")
    assert "Median jam penyelesaian (laporan salinan)" not in figures  # January had none to compare
    assert answer.json()["service_live"] is True
    # Taken again, the same measures are replaced, not doubled; a measure typed in by hand is kept.
    evaluation = replication.evaluation
    january, october = datetime.date(2026, 1, 1), datetime.date(2026, 10, 1)
    EvaluationFigure.objects.create(
        evaluation=evaluation,
        label="Warga puas",
        before_value=1,
        after_value=2,
        before_on=january,
        after_on=october,
    )
    api.post(URL.format(replication.pk), {"before": "2026-01", "after": "2026-10"}, format="json")
    labels = list(evaluation.figures.values_list("label", flat=True))
    assert len(labels) == len(set(labels)) == 4 and "Warga puas" in labels


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"before": "2026-10", "after": "2026-01"}, "after"),
        ({"before": "2026-02", "after": "2026-10"}, "before"),
        ({"before": "januari", "after": "2026-10"}, "before"),
        ({"before": "2026-01"}, "after"),
    ],
)
def test_months_that_cannot_be_compared_are_a_400_and_nothing_is_recorded(api, replication, body, field):
    api.force_authenticate(member_of(BATANG, "editor"))
    answer = api.post(URL.format(replication.pk), body, format="json")
    assert answer.status_code == 400 and field in answer.json()
    assert not EvaluationFigure.objects.exists()


def test_only_the_recipients_editors_in_the_evaluation_phase(api, replication):
    api.force_authenticate(member_of(BATANG, "developer"))
    assert api.post(URL.format(replication.pk), {"before": "2026-01", "after": "2026-10"}).status_code == 403
    replication.phase = Phase.REPLIKASI
    replication.save(update_fields=["phase"])
    api.force_authenticate(member_of(BATANG, "admin"))
    assert api.post(URL.format(replication.pk), {"before": "2026-01", "after": "2026-10"}).status_code == 400
    assert not EvaluationFigure.objects.exists()


def test_the_replication_page_shows_the_reports_and_the_form_to_its_evaluators(client, replication):
    client.force_login(member_of(BATANG, "editor"))
    html = client.get(replication.get_absolute_url()).content.decode()
    assert 'id="hasil-layanan-salinan"' in html and "angka-dari-laporan" in html
    answer = client.post(
        f"/replikasi/{replication.pk}/angka-dari-laporan/", {"before": "2026-01", "after": "2026-10"}
    )
    assert answer.status_code == 302 and answer["Location"].endswith("#evaluasi")
    assert replication.evaluation.figures.count() == 3
    client.force_login(member_of(BATANG, "viewer"))
    html = client.get(replication.get_absolute_url()).content.decode()
    assert 'id="hasil-layanan-salinan"' in html and "angka-dari-laporan" not in html


def test_the_service_refuses_a_month_no_copy_reported(replication):
    with pytest.raises(ValidationError) as refused:
        services.evaluation_from_reports(
            user=member_of(BATANG, "editor"), replication=replication, before="2026-03", after="2026-10"
        )
    assert set(refused.value.message_dict) == {"before"}
