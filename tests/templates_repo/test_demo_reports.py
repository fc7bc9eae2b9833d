"""`load_demo_copies`: the demo copies at the newest version report a year of invented months, marked
demo data, valid against their declarations, made once."""

import pytest

from templates_repo import services
from templates_repo.demo_copies import demo_copies_ensure
from templates_repo.demo_reports import DEMO_MONTHS
from templates_repo.models import Fork, ServiceReport
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db


def test_the_demo_copies_report_a_year_of_demo_months_once(regions, media_root):
    services.template_sync()
    member_of("33.25", "developer", "batang-dev")
    factories.StaffFactory(username="admin")
    demo_copies_ensure(requester_username="batang-dev")
    reporting = Fork.objects.filter(demo=True).exclude(version__number=1)
    assert reporting.count() == 3
    assert ServiceReport.objects.count() == 3 * DEMO_MONTHS
    assert not ServiceReport.objects.filter(demo=False).exists()
    for report in ServiceReport.objects.select_related("fork__version"):
        checked = services.results.declared_figures.check_report(report.fork.version.figures, report.figures)
        assert not checked.errors
    complaints = ServiceReport.objects.filter(fork__template__slug="pengaduan").order_by("month")
    first, last = complaints.first().figures, complaints.last().figures
    assert first["reports_resolved"] <= first["reports_received"]
    assert (
        sum(v for k, v in first.items() if k.startswith("reports_by_channel.")) == first["reports_received"]
    )
    assert last["resolved_within_sla"] > first["resolved_within_sla"]  # the demo's service gets better
    demo_copies_ensure(requester_username="batang-dev")
    assert Fork.objects.filter(demo=True).count() == 4
    assert ServiceReport.objects.count() == 3 * DEMO_MONTHS
