"""A mentor's e-mail and telephone are personal: never in the public app API or the publiccode.yml export
(officials read them in "Tempat bertanya"); a maintainer's published contact stays in both."""

import pytest
import yaml

from catalog.choices import ContactRole
from catalog.models import AppContact
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(regions):
    app = factories.AppFactory(slug="lapor", owner_region=factories.region("33.74"))
    AppContact.objects.create(
        app=app,
        role=ContactRole.MENTOR,
        name="Bu Mentor",
        email="mentor@semarangkota.go.id",
        phone="6281234567890",
        affiliation="Diskominfo",
    )
    AppContact.objects.create(
        app=app, role=ContactRole.MAINTAINER, name="Tim Aplikasi", email="aplikasi@semarangkota.go.id"
    )
    return app


def test_the_app_api_leaves_a_mentors_details_out(api, app):
    body = api.get("/api/v1/apps/lapor/").content.decode()
    assert "mentor@semarangkota.go.id" not in body and "6281234567890" not in body
    assert "Bu Mentor" in body and "aplikasi@semarangkota.go.id" in body


def test_the_publiccode_export_leaves_a_mentors_details_out(client, app):
    response = client.get("/api/v1/apps/lapor/publiccode.yml")
    document = yaml.safe_load(response.content)
    assert document["x-lumbung"]["mentors"] == [{"name": "Bu Mentor", "affiliation": "Diskominfo"}]
    assert document["maintenance"]["contacts"][0]["email"] == "aplikasi@semarangkota.go.id"
