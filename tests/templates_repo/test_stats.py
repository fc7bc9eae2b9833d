"""The national figures: the selectors (templates_repo/stats/), the API under /api/v1/stats/ with its CSV,
a constant number of queries whatever the data, and the tile grid of the provinces."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.utils import timezone

from catalog.models import Adoption
from registry.choices import RegionKind
from registry.models import Region
from replication.models import Replication
from templates_repo import stats
from templates_repo.models import Fork
from templates_repo.stats.provinces_grid import COLUMNS, GRID, ROWS
from templates_repo.stats.selectors import add_months, this_month
from tests import factories
from tests.factories import region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """The API caches its answers for a minute (stats/cache.py): every test starts without them."""
    cache.clear()


TODAY = datetime.date(2026, 11, 20)


def _at(obj, when: datetime.date) -> None:
    """Backdates a row's created_at (auto_now_add)."""
    moment = timezone.make_aware(datetime.datetime.combine(when, datetime.time(12)))
    type(obj).objects.filter(pk=obj.pk).update(created_at=moment)


@pytest.fixture
def world(regions):
    """Semarang's complaints app, used by Batang (dated) and Bontang (undated, recorded in Sep 2026);
    Batang replicates it (and a declined request that does not count); two copies of its template, in
    Batang and Bontang, reporting in October; an MoU between Batang and Semarang."""
    app = factories.AppFactory(slug="lapor-semarang", owner_region=region("33.74"), category="pengaduan")
    factories.AppFactory(slug="santunan-batang", owner_region=region("33.25"), category="bantuan-sosial")
    factories.AdoptionFactory(app=app, region=region("33.25"), since=datetime.date(2026, 3, 15))
    _at(factories.AdoptionFactory(app=app, region=region("64.74"), since=None), datetime.date(2026, 9, 2))
    _at(factories.ReplicationFactory(app=app), datetime.date(2026, 5, 1))
    declined = factories.ReplicationFactory(app=app, penerima=region("64.74"), request_state="declined")
    _at(declined, datetime.date(2026, 5, 1))
    version = factories.TemplateVersionFactory(template__app=app, template__mentor_region=region("33.74"))
    batang = factories.ForkFactory(version=version, region=region("33.25"))
    bontang = factories.ForkFactory(version=version, region=region("64.74"))
    failed = factories.ForkFactory(version=version, region=region("64.74"), status="failed")
    for fork in (batang, bontang, failed):
        _at(fork, datetime.date(2026, 9, 10))
    factories.ServiceReportFactory(fork=batang, month=datetime.date(2026, 10, 1))
    factories.ServiceReportFactory(
        fork=bontang,
        month=datetime.date(2026, 10, 1),
        figures={**factories.ServiceReportFactory.figures.function(), "reports_resolved": 50,
                 "resolved_within_sla": 40.0},
    )  # fmt: skip
    factories.MoUFactory()
    return app


def test_months():
    assert this_month(TODAY) == datetime.date(2026, 11, 1)
    assert add_months(datetime.date(2026, 11, 1), 2) == datetime.date(2027, 1, 1)
    assert add_months(datetime.date(2026, 1, 1), -1) == datetime.date(2025, 12, 1)


def test_the_timeline_counts_each_kind_in_its_month(world):
    rows = stats.timeline(today=TODAY)
    assert rows[0]["month"] == datetime.date(2026, 3, 1) and rows[-1]["month"] == datetime.date(2026, 11, 1)
    by_month = {row["month"]: row for row in rows}
    assert len(rows) == 9  # every month from March to November, empty ones too
    assert by_month[datetime.date(2026, 3, 1)] == {
        "month": datetime.date(2026, 3, 1), "adoptions": 1, "copies": 0, "replications": 0
    }  # fmt: skip
    assert by_month[datetime.date(2026, 9, 1)]["adoptions"] == 1  # undated: when it was recorded
    assert by_month[datetime.date(2026, 9, 1)]["copies"] == 2  # the failed copy does not count
    assert by_month[datetime.date(2026, 5, 1)]["replications"] == 1  # the declined one does not
    assert sum(row["adoptions"] for row in rows) == 2


def test_the_timeline_of_a_scope(world):
    batang = stats.timeline(stats.Scope(region="33.25"), today=TODAY)
    assert sum(row["adoptions"] for row in batang) == 1 and sum(row["copies"] for row in batang) == 1
    assert stats.timeline(stats.Scope(category="bantuan-sosial"), today=TODAY) == []
    assert sum(row["copies"] for row in stats.timeline(stats.Scope(app=world.slug), today=TODAY)) == 2


def test_the_network_links_regions_by_kind(world):
    data = stats.network()
    nodes = {node["code"]: node for node in data["nodes"]}
    assert nodes["33.74"]["apps"] == 1 and nodes["33.25"]["apps"] == 1 and nodes["64.74"]["apps"] == 0
    assert nodes["33.74"]["name"] == "Kota Semarang"
    links = {(link["kind"], link["source"], link["target"]): link["value"] for link in data["links"]}
    assert links == {
        ("mou", "33.25", "33.74"): 1,
        ("replication", "33.74", "33.25"): 1,
        ("copy", "33.74", "33.25"): 1,
        ("copy", "33.74", "64.74"): 1,
    }


def test_provinces_follow_the_grid(world):
    rows = stats.provinces(today=TODAY)
    assert [row["code"] for row in rows] == [code for code, *_ in GRID]
    jateng = next(row for row in rows if row["code"] == "33")
    kaltim = next(row for row in rows if row["code"] == "64")
    assert (jateng["apps_built"], jateng["apps_reused"], jateng["live_copies"]) == (2, 1, 1)
    assert (kaltim["apps_built"], kaltim["apps_reused"], kaltim["live_copies"]) == (0, 1, 1)
    assert jateng["name"] == "Jawa Tengah"
    # Reports older than three months no longer make a copy live.
    later = stats.provinces(today=datetime.date(2027, 1, 5))
    assert sum(row["live_copies"] for row in later) == 0


def test_the_sla_share_weighs_each_copy_by_its_resolved_reports(world):
    rows = stats.sla(today=TODAY)
    assert len(rows) == 12 and rows[-1]["month"] == datetime.date(2026, 10, 1)
    assert rows[-1] == {"month": datetime.date(2026, 10, 1), "share": 70.0, "resolved": 150, "copies": 2}
    assert rows[0]["share"] is None and rows[0]["copies"] == 0


def test_the_sla_reads_each_reports_own_version(world):
    """A report checked against a version without an SLA figure adds nothing."""
    fork = Fork.objects.get(region="33.25")
    factories.TemplateVersionFactory(template=fork.template, number=2, figures=[])
    fork.service_reports.update(version_number=2)
    last = stats.sla(today=TODAY)[-1]
    assert (last["share"], last["copies"]) == (40.0, 1)


def test_the_summary(world):
    figures = stats.summary(today=TODAY)
    assert figures == {
        "apps": 2, "regions_building": 2, "adoptions": 2, "copies": 2, "live_copies": 2, "replications": 1,
        "sla_month": datetime.date(2026, 10, 1), "sla_share": 70.0, "sla_copies": 2,
    }  # fmt: skip


def test_a_regions_categories(world):
    assert stats.region_categories(region("33.25")) == [
        {"category": "bantuan-sosial", "built": 1, "reused": 0},
        {"category": "pengaduan", "built": 0, "reused": 1},
    ]


def test_the_grid_places_every_province_once(regions):
    codes = [code for code, *_ in GRID]
    assert sorted(codes) == sorted(
        Region.objects.filter(kind=RegionKind.PROVINCE).values_list("code", flat=True)
    )
    squares = [(row, column) for _code, _short, row, column in GRID]
    assert len(set(squares)) == len(squares) == 38
    assert all(0 <= row < ROWS and 0 <= column < COLUMNS for row, column in squares)
    columns = {code: column for code, _short, _row, column in GRID}
    assert (
        columns["11"] == 0 and columns["11"] < columns["33"] < columns["73"] < columns["91"]
    )  # west to east


# The API ---------------------------------------------------------------------------------------------


def _more(world) -> None:
    """As much again of every kind, to show the queries do not grow with the data."""
    other = factories.AppFactory(owner_region=region("64.74"), category="kesehatan")
    factories.AdoptionFactory(app=other, region=region("33.74"), since=datetime.date(2025, 1, 1))
    factories.ReplicationFactory(app=other, penerima=region("33.25"))
    fork = factories.ForkFactory(
        version__template__app=other, version__template__mentor_region=region("64.74")
    )
    factories.ServiceReportFactory(fork=fork, month=add_months(this_month(), -1))
    factories.MoUFactory(party_codes=("33.74", "64.74", "33.25"))


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("timeline/", 3),
        ("timeline/?category=pengaduan&region=33.25&months=6", 3),
        ("timeline/?app=lapor-semarang", 3),
        ("network/", 5),
        ("provinces/", 4),
        ("provinces/?app=lapor-semarang", 4),
        ("sla/", 1),
        ("summary/", 5),
        ("regions/33.25/", 3),
    ],
)
def test_each_endpoint_runs_a_constant_number_of_queries(
    api, world, django_assert_num_queries, path, queries
):
    with django_assert_num_queries(queries):
        assert api.get(f"/api/v1/stats/{path}").status_code == 200
    _more(world)
    cache.clear()
    with django_assert_num_queries(queries):
        assert api.get(f"/api/v1/stats/{path}").status_code == 200


def test_the_answers_are_cached_until_the_catalog_changes(
    api, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from catalog.cache import catalog_changed

    first = api.get("/api/v1/stats/summary/").json()
    with django_assert_num_queries(0):
        assert api.get("/api/v1/stats/summary/").json() == first
    factories.AppFactory(owner_region=region("64.74"))
    with django_capture_on_commit_callbacks(execute=True):
        catalog_changed()  # what the catalog's services do after a write, once it commits
    assert api.get("/api/v1/stats/summary/").json()["apps"] == first["apps"] + 1


def test_the_api_answers_the_selectors_rows(api, world):
    body = api.get("/api/v1/stats/timeline/?app=lapor-semarang").json()
    expected = stats.timeline(stats.Scope(app=world.slug))
    assert [row["month"] for row in body["months"]] == [row["month"].isoformat() for row in expected]
    assert [row["copies"] for row in body["months"]] == [row["copies"] for row in expected]
    network = api.get("/api/v1/stats/network/").json()
    assert {link["kind"] for link in network["links"]} == {"mou", "replication", "copy"}
    provinces = api.get("/api/v1/stats/provinces/").json()["provinces"]
    assert len(provinces) == 38 and provinces[0]["code"] == "11"
    summary = api.get("/api/v1/stats/summary/").json()
    assert summary["apps"] == 2 and summary["copies"] == 2
    assert api.get("/api/v1/stats/regions/33.25/").json()["categories"][0]["category"] == "bantuan-sosial"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("provinces/?category=x", "category"),
        ("timeline/?region=3", "region"),
        ("timeline/?months=0", "months"),
        ("network/?format=xml", "format"),
    ],
)
def test_a_malformed_parameter_is_a_400(api, world, path, field):
    response = api.get(f"/api/v1/stats/{path}")
    assert response.status_code == 400 and field in response.json()


def test_an_app_or_region_that_does_not_exist_has_nothing(api, world):
    assert api.get("/api/v1/stats/timeline/?app=nope").json() == {"months": []}
    empty = api.get("/api/v1/stats/timeline/?app=nope&format=csv")
    assert empty["Content-Type"].startswith("text/csv")
    assert empty.content.decode() == "month,adoptions,copies,replications\r\n"
    assert api.get("/api/v1/stats/timeline/?region=99.99").json() == {"months": []}
    provinces = api.get("/api/v1/stats/provinces/?app=nope").json()["provinces"]
    assert len(provinces) == 38 and not any(row["apps_built"] or row["apps_reused"] for row in provinces)


def test_the_last_months_of_the_timeline(api, world):
    months = api.get("/api/v1/stats/timeline/?months=2").json()["months"]
    assert [row["month"] for row in months] == [
        add_months(this_month(), -1).isoformat(),
        this_month().isoformat(),
    ]


def test_an_unknown_region_is_a_404_in_json_even_for_csv(api, regions):
    assert api.get("/api/v1/stats/regions/99.99/").status_code == 404
    response = api.get("/api/v1/stats/regions/99.99/?format=csv")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


def _csv(api, path: str) -> list[dict]:
    response = api.get(f"/api/v1/stats/{path}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_has_the_same_rows(api, world):
    timeline = _csv(api, "timeline/?format=csv")
    json_rows = api.get("/api/v1/stats/timeline/").json()["months"]
    assert timeline == [{key: str(value) for key, value in row.items()} for row in json_rows]
    assert list(timeline[0]) == ["month", "adoptions", "copies", "replications"]
    links = _csv(api, "network/?format=csv")
    assert len(links) == 4 and set(links[0]) == {"source", "target", "kind", "value"}
    provinces = _csv(api, "provinces/?format=csv")
    assert len(provinces) == 38 and provinces[0]["name"] == "Aceh"
    assert len(_csv(api, "sla/?format=csv")) == 12
    assert _csv(api, "summary/?format=csv")[0]["apps"] == "2"
    assert _csv(api, "regions/33.25/?format=csv")[1] == {"category": "pengaduan", "built": "0", "reused": "1"}


def test_the_stats_are_public(api, world):
    assert api.get("/api/v1/stats/summary/").status_code == 200
    assert Adoption.objects.count() == 2 and Replication.objects.count() == 2
