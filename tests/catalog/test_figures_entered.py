"""Figures entered by hand say who entered them, in the API and on the app page, apart from what copies
report (tests/templates_repo/test_results.py)."""

import pytest

from catalog.models import ServiceFigure
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

FIGURE = {"metric": "sla_hours", "value": "72", "unit": "jam", "measured_on": "2026-11-01",
          "source": "Laporan tahunan Diskominfo 2026"}  # fmt: skip


def test_a_figure_typed_in_through_the_api_records_who_and_shows_it(api, client, regions):
    app = factories.AppFactory(slug="lapor-batang", owner_region=factories.region("33.25"))
    api.force_authenticate(member_of("33.25", "editor", "editor-batang"))
    answer = api.patch(f"/api/v1/apps/{app.slug}/", {"figures": [FIGURE]}, format="json")
    assert answer.status_code == 200, answer.content
    assert ServiceFigure.objects.get(app=app).entered_by.username == "editor-batang"
    (figure,) = api.get(f"/api/v1/apps/{app.slug}/").json()["figures"]
    assert figure["entered_by"] == "editor-batang" and figure["source"] == FIGURE["source"]
    page = client.get(app.get_absolute_url()).content.decode()
    assert "editor-batang" in page and "Laporan tahunan Diskominfo 2026" in page


def test_a_figure_typed_in_the_admin_records_the_staff_member(client, regions, admin_user):
    app = factories.AppFactory(slug="lapor-admin")
    client.force_login(admin_user)
    answer = client.post(
        "/admin/catalog/servicefigure/add/",
        {"app": app.pk, "metric": "sla_hours", "value": "72", "unit": "jam", "measured_on": "2026-11-01",
         "source": "Diskominfo"},
    )  # fmt: skip
    assert answer.status_code == 302, answer.content[:2000]
    assert ServiceFigure.objects.get(app=app).entered_by == admin_user
