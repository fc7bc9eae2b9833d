"""The API detail written by PostgreSQL (catalog/detail.py) against its definition, AppDetailSerializer.

Apps with every relation filled (contacts of both roles, figures with and without a value and who entered
them, screenshots, adoptions with their timelines, an MoU in each status, a parent and variants) are read
both ways and compared field by field, then as the API answers them.
"""

import datetime
import json

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog import detail, selectors
from catalog.api.serializers import AppDetailSerializer
from catalog.models import AdoptionEvent, AppContact, Screenshot, ServiceFigure
from tests import factories

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL writes the JSON; elsewhere the serializer does"
)

BATANG, SEMARANG, BONTANG = "33.25", "33.74", "64.74"


def _serialized(app, request) -> dict:
    instance = selectors.app_detail_queryset().get(pk=app.pk)
    # Through JSON, as the API sends it (dates and decimals become text).
    return json.loads(
        json.dumps(AppDetailSerializer(instance, context={"request": request}).data, default=str)
    )


def _written(app, request) -> dict:
    return json.loads(detail.app_detail_json(app.slug, request))


@pytest.fixture
def full_app(regions):
    """Semarang's app with every relation the detail shows, filled in every way it can be."""
    today = timezone.localdate()
    editor = factories.UserFactory(username="editor-semarang")
    agency = factories.AgencyFactory(name="Dinas Komunikasi, Informatika, Statistik dan Persandian")
    parent = factories.AppFactory(name="Induk", slug="induk", owner_region=factories.region(BONTANG))
    app = factories.AppFactory(
        name='Lapor "Semarang" <b>&</b>',
        slug="lapor-semarang",
        owner_agency=agency,
        based_on=parent,
        based_on_note="Dari Bontang.\nBaris kedua.",
        launched_on=datetime.date(2019, 3, 1),
        features=["Aduan", "Peta ✓"],
        platforms=["web", "android"],
        repository_url="https://git.example.test/lapor",
    )
    for name, slug in (("Varian B", "varian-b"), ("Varian A", "varian-a"), ("Varian A", "varian-a2")):
        factories.AppFactory(name=name, slug=slug, based_on=app, owner_region=factories.region(BATANG))
    AppContact.objects.create(
        app=app, role="maintainer", name="Admin", email="admin@example.test", phone="024"
    )
    AppContact.objects.create(
        app=app, role="mentor", name="Mentor", email="mentor@example.test", phone="0812"
    )
    ServiceFigure.objects.create(
        app=app, metric="reports", value="1234.5", unit="laporan", measured_on=datetime.date(2024, 1, 1),
        source="Suara Merdeka", entered_by=editor,
    )  # fmt: skip
    ServiceFigure.objects.create(app=app, metric="reports", value=None, value_text="ribuan",
                                 measured_on=datetime.date(2023, 1, 1))  # fmt: skip
    ServiceFigure.objects.create(app=app, metric="users", value="7", measured_on=datetime.date(2024, 6, 1))
    Screenshot.objects.create(app=app, image="screenshots/2025/b.png", caption="Beranda", position=1)
    Screenshot.objects.create(app=app, image="screenshots/2025/a.png", caption="", position=0)
    verified = factories.AdoptionFactory(
        app=app, region=factories.region(BATANG), since=datetime.date(2024, 2, 2)
    )
    factories.AdoptionFactory(app=app, region=factories.region(BONTANG), stage="exploring", verified=False)
    for occurred_on, link_url in ((datetime.date(2024, 2, 2), "/templat/pengaduan/"), (None, "https://x.test/a"),
                                  (datetime.date(2023, 12, 1), "")):  # fmt: skip
        AdoptionEvent.objects.create(
            adoption=verified, occurred_on=occurred_on, stage="live", link_url=link_url, link_label="Lihat",
            recorded_by=editor if link_url else None,
        )  # fmt: skip
    # Timestamps with and without microseconds (DRF writes ".123456" only when there are some).
    AdoptionEvent.objects.filter(link_url="").update(
        created_at=datetime.datetime(2024, 1, 1, 5, 0, tzinfo=datetime.UTC)
    )
    mous = [
        factories.MoUFactory(title="Aktif"),
        factories.MoUFactory(title="Draf", signed_on=None, starts_on=None),
        factories.MoUFactory(title="Belum mulai", starts_on=today + datetime.timedelta(days=30)),
        factories.MoUFactory(title="Berakhir", ends_on=today - datetime.timedelta(days=1)),
        factories.MoUFactory(title="Diakhiri", terminated_on=today, party_codes=(SEMARANG, BONTANG, BATANG)),
    ]
    app.mous.set(mous)
    return app


def test_the_written_detail_is_the_serializers_field_by_field(full_app):
    request = RequestFactory().get("/", HTTP_HOST="testserver:8443")
    expected, written = _serialized(full_app, request), _written(full_app, request)
    assert list(written) == list(expected)  # same fields, same order
    for field in expected:
        assert written[field] == expected[field], field
    # What the comparison must have covered, so that it cannot pass on empty lists.
    related = ("variants", "contacts", "figures", "screenshots", "adoptions", "mous")
    assert [len(written[key]) for key in related] == [3, 2, 3, 2, 2, 5]
    assert {mou["status"] for mou in written["mous"]} == {"active", "draft", "expired", "terminated"}
    assert written["contacts"][1]["email"] == ""  # a mentor's, as the serializer hides it
    assert [event["link_url"] for event in written["adoptions"][0]["events"]] == [
        None, "http://testserver:8443/templat/pengaduan/", "https://x.test/a"
    ]  # fmt: skip
    assert written["figures"][0]["value"] == "1234.50"


def test_an_app_with_nothing_around_it_is_written_as_the_serializer_writes_it(regions):
    app = factories.AppFactory(launched_on=None, features=[], platforms=[])
    request = RequestFactory().get("/", secure=True)
    assert _written(app, request) == _serialized(app, request)


def test_times_follow_the_active_time_zone(full_app):
    request = RequestFactory().get("/")
    with timezone.override("America/New_York"):  # a negative offset
        assert _written(full_app, request) == _serialized(full_app, request)
    with timezone.override("UTC"):  # written with "Z"
        written = _written(full_app, request)
        assert written == _serialized(full_app, request)
        assert written["created_at"].endswith("Z")


def test_the_api_detail_is_one_query_and_a_missing_app_a_404(api, full_app, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    api.get("/api/v1/apps/tidak-ada/")
    with connection.cursor() as cursor:  # as on a new connection, which has not prepared the statement
        cursor.execute(f"DEALLOCATE {detail.STATEMENT_NAME}")
    detail._prepared_on.discard(connection.connection)
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/v1/apps/tidak-ada/")
    assert [query["sql"].split()[0] for query in queries] == ["PREPARE", "EXECUTE"]
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/apps/lapor-semarang/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert [query["sql"].split()[0] for query in queries] == ["EXECUTE"]
    assert response.json() == _serialized(full_app, response.wsgi_request)
    missing = api.get("/api/v1/apps/tidak-ada/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": missing.json()["detail"]}
