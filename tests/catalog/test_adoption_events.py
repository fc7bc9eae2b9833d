"""An adoption's history is never overwritten: every change through the services is an event (date,
stage, evidence, source, who); "since" is the earliest date; the adoption keeps its first (or strongest)
evidence; the app page and the API show the timeline."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps as global_apps
from django.core.cache import cache

from catalog import services
from catalog.models import Adoption, AdoptionEvent
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

SEPT_2018 = datetime.date(2018, 9, 25)
NOTE_2018 = "Bupati Wihaji saat penandatanganan MoU: «aplikasi bisa copy paste dan dibimbing»."


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def app(regions):
    return factories.AppFactory(slug="lapor", name="Lapor Semarang")


@pytest.fixture
def batang(regions):
    return factories.region("33.25")


def planned_2018(app, batang) -> Adoption:
    return services.adoption_record_unverified(
        app=app,
        region=batang,
        stage="planned",
        since=SEPT_2018,
        evidence_note=NOTE_2018,
        source="Radar Pekalongan: Ajak 90 Pejabat, Wihaji Teken Mou dengan Pemkot Semarang",
    )


def test_a_later_change_is_an_event_and_keeps_since_and_the_first_evidence(app, batang):
    planned_2018(app, batang)
    editor = member_of("33.25", "editor", "editor-batang")
    adoption = services.adoption_record(
        app=app,
        region=batang,
        recorded_by=editor,
        stage="live",
        since=datetime.date(2024, 3, 1),
        evidence_note="Dipakai semua OPD sejak Maret 2024.",
    )
    adoption.refresh_from_db()
    # The record: the current stage, the earliest date, the first evidence with its own source.
    assert (adoption.stage, adoption.since, adoption.verified) == ("live", SEPT_2018, True)
    assert adoption.evidence_note == NOTE_2018 and adoption.source.startswith("Radar Pekalongan")
    # The timeline: both changes, oldest first, each with its own evidence, who and whether verified.
    events = list(adoption.events.all())
    assert [(e.occurred_on, e.stage, e.verified) for e in events] == [
        (SEPT_2018, "planned", False),
        (datetime.date(2024, 3, 1), "live", True),
    ]
    assert events[0].evidence_note == NOTE_2018 and events[0].recorded_by is None
    assert (
        events[1].evidence_note == "Dipakai semua OPD sejak Maret 2024." and events[1].recorded_by == editor
    )


def test_an_earlier_date_moves_since_back(app, batang):
    planned_2018(app, batang)
    adoption = services.adoption_record_unverified(
        app=app, region=batang, stage="planned", since=datetime.date(2018, 5, 2)
    )
    assert adoption.since == datetime.date(2018, 5, 2)
    assert adoption.events.count() == 2


def test_a_stronger_evidence_replaces_a_note_with_its_source_and_a_weaker_one_never_does(app, batang):
    planned_2018(app, batang)
    staff = factories.StaffFactory()
    adoption = services.adoption_record(
        app=app, region=batang, recorded_by=staff, evidence_url="https://batangkab.go.id/berita/lapor"
    )
    # A checkable address beats a note: the record shows it (with no note or source of another event).
    assert adoption.evidence_url == "https://batangkab.go.id/berita/lapor" and adoption.evidence_note == ""
    services.adoption_record(app=app, region=batang, recorded_by=staff, evidence_note="Kata seseorang.")
    adoption.refresh_from_db()
    assert adoption.evidence_url == "https://batangkab.go.id/berita/lapor" and adoption.evidence_note == ""
    assert [e.evidence_note for e in adoption.events.all()][-1] == "Kata seseorang."
    assert adoption.events.count() == 3


def test_the_same_record_twice_is_one_event(app, batang):
    planned_2018(app, batang)
    planned_2018(app, batang)  # the demo data loaded again
    developer = member_of("33.25", "developer", "dev-batang")
    for _ in range(2):
        services.adoption_record(app=app, region=batang, recorded_by=developer, stage="live")
    adoption = Adoption.objects.get()
    assert [(e.stage, e.occurred_on) for e in adoption.events.all()] == [
        ("planned", SEPT_2018),
        ("live", None),  # no date given: the stage changed when it was recorded
    ]
    assert adoption.since == SEPT_2018


def test_a_refused_change_leaves_no_event(app, batang):
    services.adoption_record(
        app=app, region=batang, recorded_by=member_of("33.25", "editor"), stage="live", since=SEPT_2018
    )
    with pytest.raises(services.adoptions.PermissionDenied):
        services.adoption_record(
            app=app, region=batang, recorded_by=factories.StaffFactory(), stage="planned"
        )
    assert services.adoption_record_unverified(app=app, region=batang, stage="planned").stage == "live"
    assert AdoptionEvent.objects.count() == 1


def test_staff_edits_in_the_admin_are_events(client, app, batang):
    adoption = planned_2018(app, batang)
    staff = factories.StaffFactory(is_superuser=True)
    client.force_login(staff)
    url = f"/admin/catalog/adoption/{adoption.pk}/change/"
    form = {
        "app": app.pk,
        "region": "33.25",
        "stage": "live",
        "since": "2018-09-25",
        "evidence_url": "",
        "evidence_note": NOTE_2018,
        "source": adoption.source,
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "1",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        "events-0-id": adoption.events.get().pk,
        "events-0-adoption": adoption.pk,
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    events = list(Adoption.objects.get().events.all())
    assert [(e.stage, e.occurred_on, e.recorded_by) for e in events] == [
        ("planned", SEPT_2018, None),
        ("live", None, staff),
    ]
    assert events[1].evidence_note == ""  # only what the edit changed
    assert client.get(url).status_code == 200  # the timeline shows read-only under the record


def test_the_migration_gives_each_existing_adoption_its_first_event(app, batang):
    old = factories.AdoptionFactory(
        app=app, region=batang, stage="planned", since=SEPT_2018, evidence_note=NOTE_2018, source="Radar"
    )
    factories.AdoptionFactory(app=app, region=factories.region("64.74"), since=None)
    import_module("catalog.migrations.0011_adoption_initial_events").initial_events(global_apps, None)
    first = old.events.get()
    assert (first.occurred_on, first.date_precision, first.stage) == (SEPT_2018, "month", "planned")
    assert (first.evidence_note, first.source, first.verified) == (NOTE_2018, "Radar", True)
    assert first.created_at == Adoption.objects.get(pk=old.pk).created_at
    assert AdoptionEvent.objects.filter(occurred_on__isnull=True).count() == 1


# Pages and the API ---------------------------------------------------------------------------------


def add_events(app, code: str, n: int) -> None:
    region = factories.region(code)
    services.adoption_record_unverified(app=app, region=region, stage="planned", since=SEPT_2018)
    for year in range(2019, 2019 + n - 1):
        services.adoption_record_unverified(
            app=app, region=region, stage="live", since=datetime.date(year, 1, 1), evidence_note=f"{year}"
        )


def test_the_app_page_shows_each_regions_timeline(client, app, batang):
    planned_2018(app, batang)
    services.adoption_record(
        app=app,
        region=batang,
        recorded_by=member_of("33.25", "editor"),
        stage="live",
        since=datetime.date(2024, 3, 1),
        evidence_url="https://batangkab.go.id/berita/lapor",
        evidence_note="Dipakai semua OPD.",
    )
    html = client.get("/aplikasi/lapor/").text
    assert 'class="plain timeline"' in html
    assert "September 2018" in html and "Dipakai semua OPD." in html
    assert 'href="https://batangkab.go.id/berita/lapor"' in html
    assert html.count(NOTE_2018) == 1  # the first evidence once, beside the record, not again below it


def test_the_app_page_runs_constant_queries_whatever_adoptions_and_events(
    client, app, batang, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_events(app, "33.25", 1)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/aplikasi/lapor/").status_code == 200
    one = len(ctx.captured_queries)
    add_events(app, "64.74", 3)
    add_events(app, "35.73", 4)
    cache.clear()
    with django_assert_num_queries(one):
        assert client.get("/aplikasi/lapor/").text.count("<li><strong>") == 8


def test_the_api_shows_an_adoptions_events(api, app, batang):
    planned_2018(app, batang)
    api.force_authenticate(member_of("33.25", "developer"))
    body = api.post("/api/v1/adoptions/", {"app": "lapor", "region": "33.25", "stage": "live"}, format="json")
    assert body.status_code == 201
    events = body.json()["events"]
    assert [(e["occurred_on"], e["stage"], e["verified"]) for e in events] == [
        ("2018-09-25", "planned", False),
        (None, "live", True),
    ]
    assert events[0]["evidence_note"] == NOTE_2018 and events[0]["date_precision"] == "day"
    assert events[1]["recorded_by"] and events[0]["link_url"] is None
    assert body.json()["since"] == "2018-09-25"  # the fields and shapes it had before are unchanged
    detail = api.get("/api/v1/apps/lapor/").json()
    assert [e["stage"] for e in detail["adoptions"][0]["events"]] == ["planned", "live"]


def test_the_adoption_list_runs_constant_queries_whatever_events(api, app, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_events(app, "33.25", 1)
    with CaptureQueriesContext(connection) as ctx:
        assert api.get("/api/v1/adoptions/").status_code == 200
    one = len(ctx.captured_queries)
    add_events(app, "64.74", 3)
    add_events(app, "35.73", 2)
    with django_assert_num_queries(one):
        results = api.get("/api/v1/adoptions/").json()["results"]
    assert sorted(len(row["events"]) for row in results) == [1, 2, 3]
