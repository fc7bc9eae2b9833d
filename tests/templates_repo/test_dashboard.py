"""The pages with charts: the national dashboard (/dasbor/), the home page's panels, the search over apps,
templates and regions (/cari/), an app's and a region's charts. Each chart's data island and table hold the
selectors' numbers (the API's), in the page's language."""

import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from templates_repo import stats
from tests import factories
from tests.conftest import member_of
from tests.factories import region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def world(regions):
    app = factories.AppFactory(
        name="Lapor Semarang", slug="lapor-semarang", owner_region=region("33.74"), category="pengaduan"
    )
    factories.AdoptionFactory(app=app, region=region("33.25"), since=datetime.date(2026, 5, 15))
    app.adoption_count = 1
    app.save(update_fields=["adoption_count"])
    factories.ReplicationFactory(app=app)
    version = factories.TemplateVersionFactory(
        template__app=app, template__name="Templat Pengaduan", template__mentor_region=region("33.74")
    )
    factories.ForkFactory(version=version, region=region("33.25"))
    factories.MoUFactory()
    return app


def island(html: str, chart_id: str) -> dict:
    match = re.search(
        rf'<script id="chart-{chart_id}-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, f"no data island for {chart_id}"
    return json.loads(match.group(1))


def table_rows(html: str, chart_id: str) -> list[list[str]]:
    table = re.search(rf'<table class="chart-table" id="chart-{chart_id}-table">(.*?)</table>', html, re.S)
    assert table, f"no table for {chart_id}"
    body = table.group(1).split("<tbody>", 1)[1]
    return [
        re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_dashboard_draws_the_selectors_numbers(client, world):
    response = client.get("/dasbor/")
    assert response.status_code == 200
    html = response.content.decode()
    timeline = island(html, "timeline")
    rows = stats.timeline()
    assert timeline["kind"] == "line" and len(timeline["series"]) == 3
    assert timeline["series"][0]["data"] == [row["adoptions"] for row in rows]
    assert [int(cells[1]) for cells in table_rows(html, "timeline")] == [row["adoptions"] for row in rows]
    network = island(html, "network")
    assert {node["id"] for node in network["nodes"]} == {"33.25", "33.74"}
    assert {link["kind"] for link in network["links"]} == {"mou", "replication", "copy"}
    provinces = island(html, "provinces")
    assert len(provinces["cells"]) == 38
    jateng = next(cell for cell in provinces["cells"] if cell["code"] == "33")
    assert jateng["values"] == [1, 1, 0] and jateng["url"] == "/wilayah/33/"
    assert ["Jawa Tengah", "1", "1", "0"] in table_rows(html, "provinces")
    # No report yet: the SLA chart says so and draws nothing.
    assert 'data-chart="chart-sla-data"' not in html and "Belum ada data." in html
    for name in ("timeline", "network", "provinces", "sla"):
        assert f"/api/v1/stats/{name}/?format=csv" in html.replace("&amp;", "&")
    assert "lumbung/charts.js" in html and "<script>" not in html  # no inline script (CSP)


def test_the_dashboard_of_one_category(client, world):
    html = client.get("/dasbor/?category=bantuan-sosial").content.decode()
    assert 'data-chart="chart-timeline-data"' not in html  # nothing in that category: no chart
    assert "/api/v1/stats/timeline/?category=bantuan-sosial&amp;format=csv" in html
    assert client.get("/dasbor/?category=nonsense").status_code == 200  # ignored: all categories


def test_the_dashboard_runs_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    client.get("/dasbor/")  # warm the session and caches
    with django_assert_max_num_queries(20):
        client.get("/dasbor/")
    for _ in range(3):
        more = factories.AppFactory(owner_region=region("64.74"))
        factories.AdoptionFactory(app=more, region=region("33.74"))
    with django_assert_max_num_queries(20):
        client.get("/dasbor/")


def test_the_chart_labels_follow_the_language(world):
    indonesian = Client(headers={"accept-language": "id"}).get("/dasbor/").content.decode()
    english = Client(headers={"accept-language": "en"}).get("/dasbor/").content.decode()
    assert "Mei 2026" in island(indonesian, "timeline")["categories"]
    assert "May 2026" in island(english, "timeline")["categories"]
    assert island(english, "timeline")["series"][0]["name"] == "Adoptions"


def test_the_home_page_has_the_panels(client, world):
    html = client.get("/").content.decode()
    assert 'action="/cari/"' in html
    assert "Lapor Semarang" in html  # the most reused apps
    assert "Templat Pengaduan" in html  # the newest copies
    assert island(html, "home-timeline")["kind"] == "line"
    assert reverse("templates_repo:dashboard") in html


def test_the_home_page_without_data(client, regions):
    html = client.get("/").content.decode()
    assert client.get("/").status_code == 200
    assert "Belum ada data." in html


def test_search_groups_apps_templates_and_regions(client, world):
    html = client.get("/cari/", {"q": "semarang"}).content.decode()
    assert "Lapor Semarang" in html and "Kota Semarang" in html
    assert "Templat Pengaduan" in client.get("/cari/", {"q": "pengaduan"}).content.decode()
    assert "Kota Semarang" in client.get("/cari/", {"q": "33.74"}).content.decode()
    assert client.get("/cari/").status_code == 200


def test_the_app_page_shows_its_reuse(client, world):
    html = client.get(world.get_absolute_url()).content.decode()
    timeline = island(html, "app-timeline")
    assert sum(timeline["series"][0]["data"]) == 1 and sum(timeline["series"][1]["data"]) == 1
    cells = {cell["code"]: cell["values"] for cell in island(html, "app-map")["cells"]}
    assert cells["33"] == [1, 1, 0]
    assert "/api/v1/stats/timeline/?app=lapor-semarang&amp;format=csv" in html


def test_the_region_page_and_workspace_show_what_it_built_and_reuses(client, world):
    html = client.get("/wilayah/33.25/").content.decode()
    chart = island(html, "region-apps")
    assert chart["series"][1]["data"] == [1]  # reuses one complaints app
    assert "/api/v1/stats/regions/33.25/?format=csv" in html
    client.force_login(member_of("33.25", "viewer"))
    assert island(client.get("/wilayah-saya/33.25/").content.decode(), "region-apps")["kind"] == "bar"
