import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def demo(regions):
    call_command("load_demo")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"search": "santunan"},
        {"region": "33.74"},
        {"category": "pengaduan", "province": "33"},
        {"category": ["pengaduan", "infrastruktur-jalan"]},
        {"status": "obsolete"},
        {"spbe_type": "khusus"},
        {"search": "semarang", "ordering": "name"},
        {"has_template": "false", "dimension": "living"},
    ],
)
def test_browse_page_and_api_agree(client, api, demo, params):
    api_names = {
        item["name"] for item in api.get("/api/v1/apps/", {**params, "page_size": 100}).json()["results"]
    }
    page = client.get("/aplikasi/", params)
    assert page.status_code == 200
    shown = {app["name"] for app in page.context["apps"]}
    assert shown == api_names
    assert page.context["paginator"].count == len(api_names)


def test_browse_page_shows_facet_counts_and_keeps_filters_in_links(client, demo):
    page = client.get("/aplikasi/", {"province": "33", "category": "pengaduan"})
    facets = {f["value"]: f["count"] for f in page.context["facets"]["category"]}
    assert facets["pengaduan"] == 2 and facets["infrastruktur-jalan"] == 2
    html = page.text
    # Toggling another category keeps the province and adds the category.
    assert "province=33&amp;category=pengaduan&amp;category=infrastruktur-jalan" in html
    # Toggling the selected one off keeps the rest.
    assert 'href="?province=33"' in html


def test_browse_page_bad_filter_shows_errors_not_500(client, regions):
    page = client.get("/aplikasi/", {"category": "astrology"})
    assert page.status_code == 200
    assert page.context["filter_errors"]
    assert page.context["apps"] == []


def test_browse_page_paginates(client, regions):
    for i in range(25):
        factories.AppFactory(name=f"App {i:02d}")
    first = client.get("/aplikasi/")
    second = client.get("/aplikasi/", {"page": 2})
    assert len(first.context["apps"]) == 20 and len(second.context["apps"]) == 5
    assert "page=2" in first.text


def test_browse_page_runs_constant_queries(client, regions):
    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/aplikasi/", {"search": "aplikasi", "province": "33"}).status_code == 200
        return len(ctx.captured_queries)

    factories.AdoptionFactory(app=factories.AppFactory(), region=factories.region("64.74"))
    before = count()
    for i in range(30):
        app = factories.AppFactory(owner_region=factories.region(("33.25", "33.74", "33")[i % 3]))
        factories.AdoptionFactory(app=app, region=factories.region("64.74"))
        app.mous.add(factories.MoUFactory())
    assert count() == before


def test_app_page(client, demo):
    page = client.get("/aplikasi/program-pelaporan-kota-semarang/")
    assert page.status_code == 200
    html = page.text
    assert "Program pelaporan Kota Semarang" in html
    assert "72 jam" in html  # the SLA figure
    assert "Kabupaten Batang" in html  # who plans to use it
    assert "MoU pengembangan smart city Kabupaten Batang dengan Kota Semarang" in html
    assert "Radar Pekalongan" in html and "Wihaji Teken Mou" in html  # the story, as the public knows it
    assert "seeds/" not in html  # never the project's own file names
    santunan = client.get("/aplikasi/e-santunan-kematian-batang/").text
    assert "Rp 1.000.000" in santunan
    lineage = client.get("/aplikasi/jalan-cantik/").text
    assert "Jateng Tanpa Lubang" in lineage
    assert client.get("/aplikasi/does-not-exist/").status_code == 404


def test_app_page_runs_constant_queries(client, regions):
    app = factories.AppFactory(slug="target")
    factories.AdoptionFactory(app=app, region=factories.region("33.25"))
    app.mous.add(factories.MoUFactory())

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/aplikasi/target/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for code in ("64.74", "12", "35.73"):
        factories.AdoptionFactory(app=app, region=factories.region(code))
        app.mous.add(factories.MoUFactory(party_codes=("33.74", code)))
        factories.AppFactory(based_on=app)
    assert count() == before


def test_region_page_shows_apps_built_and_used(client, demo):
    semarang = client.get("/wilayah/33.74/").text
    assert "Command Center Kota Semarang" in semarang
    batang = client.get("/wilayah/33.25/").text
    assert "E-Santunan Kematian" in batang  # built
    assert "Program pelaporan Kota Semarang" in batang  # uses (planned)


def test_mou_page_lists_covered_apps(client, demo):
    from registry.models import MoU

    page = client.get(f"/mou/{MoU.objects.get().pk}/").text
    assert "Command Center Kota Semarang" in page
    assert "Pelayanan Informasi Publik (PIP) Kota Semarang" in page


def test_english_switch_on_the_app_page(client, demo):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/aplikasi/e-santunan-kematian-batang/").text
    assert "A Rp 1,000,000 death benefit" in page
