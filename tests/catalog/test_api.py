import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.cache import catalog_changed
from catalog.models import Adoption, App
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def demo(regions):
    call_command("load_demo")


def slugs(response):
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


# The "done when" -----------------------------------------------------------------------


def test_search_santunan_finds_batangs_e_santunan(api, demo):
    assert slugs(api.get("/api/v1/apps/", {"search": "santunan"})) == ["e-santunan-kematian-batang"]


def test_region_filter_lists_semarangs_apps_and_facets_count_them(api, demo):
    found = slugs(api.get("/api/v1/apps/", {"region": "33.74"}))
    assert sorted(found) == [
        "command-center-kota-semarang",
        "pelayanan-informasi-publik-kota-semarang",
        "program-pelaporan-kota-semarang",
    ]
    facets = api.get("/api/v1/apps/facets/", {"region": "33.74"}).json()
    assert facets["count"] == 3
    categories = {f["value"]: f["count"] for f in facets["facets"]["category"]}
    assert categories == {"command-center": 1, "informasi-publik": 1, "pengaduan": 1}
    # A facet ignores its own filter: the region facet still counts the other regions.
    regions = {f["value"]: f["count"] for f in facets["facets"]["region"]}
    assert regions["33.74"] == 3 and regions["33"] == 4 and regions["33.25"] == 2


def test_pengaduan_in_jawa_tengah(api, demo):
    found = slugs(api.get("/api/v1/apps/", {"category": "pengaduan", "province": "33"}))
    assert sorted(found) == ["laporgub", "program-pelaporan-kota-semarang"]


# Filters, search and ordering ------------------------------------------------------------------


@pytest.fixture
def spread(regions):
    factories.AppFactory(
        name="Sistem Antrean Puskesmas",
        slug="antrean",
        category="kesehatan",
        owner_region=factories.region("64.74"),
        license="GPL-3.0-or-later",
        status="beta",
    )
    factories.AppFactory(
        name="Lapor Bontang",
        slug="lapor-bontang",
        owner_region=factories.region("64.74"),
        dimension="society",
        spbe_type="khusus",
    )
    factories.AppFactory(
        name="Perizinan Online",
        slug="izin",
        category="perizinan",
        owner_region=factories.region("33.25"),
        short_description="Izin usaha daring.",
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "kesehatan"}, ["antrean"]),
        ({"category": ["kesehatan", "perizinan"]}, ["antrean", "izin"]),
        ({"dimension": "society"}, ["lapor-bontang"]),
        ({"region": "64.74"}, ["antrean", "lapor-bontang"]),
        ({"province": "64"}, ["antrean", "lapor-bontang"]),
        ({"status": "beta"}, ["antrean"]),
        ({"spbe_type": "khusus"}, ["lapor-bontang"]),
        ({"license": "GPL-3.0-or-later"}, ["antrean"]),
        ({"has_template": "false"}, ["antrean", "izin", "lapor-bontang"]),
        ({"has_template": "true"}, []),
        ({"search": "puskesmas"}, ["antrean"]),
        ({"search": "bontang"}, ["antrean", "lapor-bontang"]),  # owner region name is searched
        ({"search": "izin usaha"}, ["izin"]),
    ],
)
def test_filters(api, spread, params, expected):
    assert sorted(slugs(api.get("/api/v1/apps/", params))) == expected


def test_orderings(api, spread):
    App.objects.filter(slug="izin").update(adoption_count=5)
    names = [i["name"] for i in api.get("/api/v1/apps/", {"ordering": "name"}).json()["results"]]
    assert names == sorted(names)
    assert slugs(api.get("/api/v1/apps/", {"ordering": "adopted"}))[0] == "izin"
    assert slugs(api.get("/api/v1/apps/", {"ordering": "newest"}))[0] == "izin"
    # Relevance without a search falls back to names.
    assert slugs(api.get("/api/v1/apps/", {"ordering": "relevance"})) == slugs(api.get("/api/v1/apps/"))


def test_relevance_puts_name_matches_first(api, regions):
    factories.AppFactory(name="Sistem Informasi Desa", slug="desa", long_description="Pengaduan warga desa.")
    factories.AppFactory(name="Pengaduan Warga", slug="pengaduan")
    assert slugs(api.get("/api/v1/apps/", {"search": "pengaduan"}))[0] == "pengaduan"


@pytest.mark.parametrize(
    "params",
    [
        {"category": "nonsense"},
        {"province": "99"},
        {"region": "33.99"},
        {"ordering": "price"},
        {"status": "done"},
    ],
)
def test_bad_filters_are_400(api, regions, params):
    response = api.get("/api/v1/apps/", params)
    assert response.status_code == 400
    assert set(params) <= set(response.json())


def test_list_cache_is_invalidated_by_a_write(api, spread, staff, django_capture_on_commit_callbacks):
    assert len(slugs(api.get("/api/v1/apps/"))) == 3
    api.force_authenticate(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/apps/", app_payload(owner_region="12", name="Baru"), format="json")
    assert response.status_code == 201, response.json()
    api.force_authenticate(None)
    assert len(slugs(api.get("/api/v1/apps/"))) == 4


@pytest.mark.parametrize("url", ["/api/v1/apps/", "/api/v1/apps/facets/"])
def test_list_and_facets_run_constant_queries(api, regions, url):
    def count(page_size):
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(url, {"page_size": page_size, "search": "aplikasi"}).status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        app = factories.AppFactory()
        factories.AdoptionFactory(app=app, region=factories.region(("33.25", "64.74", "12")[i]))
    small = count(1)
    for i in range(6):
        app = factories.AppFactory(owner_region=factories.region(("33.25", "64.74")[i % 2]))
        factories.AdoptionFactory(app=app, region=factories.region("35.73"))
        factories.AdoptionFactory(app=app, region=factories.region("33"))
    assert count(100) == small


def test_cached_list_runs_no_query(api, spread):
    api.get("/api/v1/apps/", {"category": "kesehatan"})
    with CaptureQueriesContext(connection) as ctx:
        assert slugs(api.get("/api/v1/apps/", {"category": "kesehatan"})) == ["antrean"]
    assert len(ctx.captured_queries) == 0


def test_detail_runs_constant_queries_whatever_adoptions_and_mous(api, regions):
    app = factories.AppFactory(slug="target")

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v1/apps/target/").status_code == 200
        # PostgreSQL's detail is one statement, PREPAREd once per connection (catalog/detail.py): whether
        # an earlier test prepared it on this connection is not what is measured here.
        return len([query for query in ctx.captured_queries if not query["sql"].startswith("PREPARE")])

    factories.AdoptionFactory(app=app, region=factories.region("33.25"))
    app.mous.add(factories.MoUFactory())
    before = count()
    for code in ("64.74", "12", "35.73", "33"):
        factories.AdoptionFactory(app=app, region=factories.region(code))
        app.mous.add(factories.MoUFactory(party_codes=("33.74", code)))
    factories.AppFactory(based_on=app)
    assert count() == before


def test_detail_shows_lineage_adoptions_and_mous(api, demo):
    body = api.get("/api/v1/apps/jalan-cantik/").json()
    assert body["based_on"]["slug"] == "jateng-tanpa-lubang"
    assert api.get("/api/v1/apps/jateng-tanpa-lubang/").json()["variants"][0]["slug"] == "jalan-cantik"
    program = api.get("/api/v1/apps/program-pelaporan-kota-semarang/").json()
    assert [(a["region"], a["stage"], a["verified"]) for a in program["adoptions"]] == [
        ("33.25", "planned", False)
    ]
    assert len(program["mous"]) == 1
    assert {f["metric"] for f in program["figures"]} == {"sla_hours", "reports_per_day"}


# Writes ----------------------------------------------------------------------------------------


def app_payload(**overrides):
    payload = {
        "name": "Sistem Lapor Bupati",
        "owner_region": "33.25",
        "category": "pengaduan",
        "dimension": "governance",
        "spbe_type": "umum",
        "status": "beta",
        "short_description": "Kanal pengaduan untuk Bupati.",
        "long_description": "Warga melapor, OPD menindaklanjuti.",
        "features": ["Lapor", "Lacak"],
        "license": "gpl-3.0-or-later",
        "figures": [{"metric": "sla_hours", "value": "48", "unit": "jam", "measured_on": "2025-01-02"}],
        "contacts": [{"role": "mentor", "name": "Tim Diskominfo", "email": "kominfo@example.test"}],
    }
    payload.update(overrides)
    return payload


def test_editor_of_owner_region_creates_app(api, batang_editor):
    api.force_authenticate(batang_editor)
    response = api.post("/api/v1/apps/", app_payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "sistem-lapor-bupati"
    assert body["license"] == "GPL-3.0-or-later"  # normalized
    assert body["contacts"][0]["role"] == "mentor"
    assert response["Location"].endswith("/api/v1/apps/sistem-lapor-bupati/")
    assert slugs(api.get("/api/v1/apps/", {"search": "bupati"})) == ["sistem-lapor-bupati"]


def test_anonymous_write_is_401_and_other_region_is_403(api, batang_editor):
    assert api.post("/api/v1/apps/", app_payload(), format="json").status_code == 401
    api.force_authenticate(batang_editor)
    assert api.post("/api/v1/apps/", app_payload(owner_region="33.74"), format="json").status_code == 403
    api.force_authenticate(member_of("33.25", "developer"))
    assert api.post("/api/v1/apps/", app_payload(), format="json").status_code == 403
    assert App.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"license": "Not-A-Licence"}, "license"),
        ({"short_description": "x" * 151}, "short_description"),
        ({"category": "astrology"}, "category"),
        ({"owner_region": "99.99"}, "owner_region"),
        ({"repository_url": "not a url"}, "repository_url"),
        ({"figures": [{"metric": "sla_hours", "value": "48"}]}, "figures"),
        ({"features": "not a list"}, "features"),
    ],
)
def test_bad_input_is_400_with_nothing_saved(api, batang_editor, overrides, field):
    api.force_authenticate(batang_editor)
    response = api.post("/api/v1/apps/", app_payload(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert App.objects.count() == 0


def test_agency_of_another_region_is_400(api, batang_editor):
    agency = factories.AgencyFactory(region=factories.region("33.74"))
    api.force_authenticate(batang_editor)
    response = api.post("/api/v1/apps/", app_payload(owner_agency=agency.pk), format="json")
    assert response.status_code == 400 and "owner_agency" in response.json()


def test_patch_by_owner_and_refused_for_others(api, batang_editor, regions):
    mine = factories.AppFactory(slug="mine", owner_region=factories.region("33.25"))
    theirs = factories.AppFactory(slug="theirs", owner_region=factories.region("33.74"))
    api.force_authenticate(batang_editor)
    response = api.patch("/api/v1/apps/mine/", {"status": "obsolete", "features": ["Satu"]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "obsolete"
    assert api.patch("/api/v1/apps/theirs/", {"name": "X"}, format="json").status_code == 403
    assert api.patch("/api/v1/apps/mine/", {"owner_region": "33.74"}, format="json").status_code == 400
    assert api.patch("/api/v1/apps/mine/", {"based_on": "mine"}, format="json").status_code == 400
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.name != "X" and mine.based_on_id is None


# Adoptions -------------------------------------------------------------------------------------


def test_member_records_own_adoption_verified(api, regions):
    app = factories.AppFactory(slug="lapor", owner_region=factories.region("33.74"))
    api.force_authenticate(member_of("33.25", "developer"))
    response = api.post(
        "/api/v1/adoptions/", {"app": "lapor", "region": "33.25", "stage": "live"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["verified"] is True
    app.refresh_from_db()
    assert app.adoption_count == 1


def test_staff_records_adoption_on_behalf_not_verified(api, staff):
    factories.AppFactory(slug="lapor", owner_region=factories.region("33.74"))
    api.force_authenticate(staff)
    response = api.post(
        "/api/v1/adoptions/", {"app": "lapor", "region": "64.74", "stage": "planned"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["verified"] is False


def test_adoption_refusals(api, regions):
    factories.AppFactory(slug="lapor", owner_region=factories.region("33.74"))
    payload = {"app": "lapor", "region": "33.25", "stage": "live"}
    assert api.post("/api/v1/adoptions/", payload, format="json").status_code == 401
    api.force_authenticate(member_of("64.74", "admin"))
    assert api.post("/api/v1/adoptions/", payload, format="json").status_code == 403
    api.force_authenticate(member_of("33.74", "admin"))
    own = api.post("/api/v1/adoptions/", {**payload, "region": "33.74"}, format="json")
    assert own.status_code == 400 and "region" in own.json()
    bad = api.post("/api/v1/adoptions/", {**payload, "stage": "forever"}, format="json")
    assert bad.status_code == 400 and "stage" in bad.json()
    assert Adoption.objects.count() == 0


def test_adoption_filters(api, regions):
    app = factories.AppFactory(slug="lapor")
    factories.AdoptionFactory(app=app, region=factories.region("33.25"), verified=True)
    factories.AdoptionFactory(app=app, region=factories.region("64.74"), verified=False)
    assert api.get("/api/v1/adoptions/", {"verified": "true"}).json()["count"] == 1
    assert api.get("/api/v1/adoptions/", {"region": "64.74"}).json()["count"] == 1
    assert api.get("/api/v1/adoptions/", {"app": "lapor"}).json()["count"] == 2


# publiccode.yml through the API -----------------------------------------------------------------


def test_publiccode_yml_export_endpoint(api, demo):
    import yaml

    response = api.get("/api/v1/apps/e-santunan-kematian-batang/publiccode.yml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    document = yaml.safe_load(response.content)
    assert document["publiccodeYmlVersion"] == "0.4"
    assert document["name"] == "E-Santunan Kematian (Smart Village Batang)"
    for key in (
        "url",
        "platforms",
        "categories",
        "developmentStatus",
        "softwareType",
        "description",
        "legal",
        "maintenance",
        "localisation",
    ):
        assert key in document, key
    assert api.get("/api/v1/apps/nope/publiccode.yml").status_code == 404


def test_publiccode_upload_round_trip(api, demo, batang_editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # A real host name: the document's url is the app's page, and "testserver" is not a valid URL host.
    host = {"HTTP_HOST": "localhost"}
    text = api.get("/api/v1/apps/e-santunan-kematian-batang/publiccode.yml", **host).content
    api.force_authenticate(batang_editor)
    upload = SimpleUploadedFile("publiccode.yml", text, content_type="application/yaml")
    response = api.post(
        "/api/v1/apps/import-publiccode/", {"region": "33.25", "file": upload}, format="multipart", **host
    )
    assert response.status_code == 200, response.json()  # the app exists: updated, not duplicated
    assert response.json()["slug"] == "e-santunan-kematian-batang"
    assert api.get("/api/v1/apps/e-santunan-kematian-batang/publiccode.yml", **host).content == text


def test_publiccode_upload_refusals(api, demo, batang_editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(region, content):
        return api.post(
            "/api/v1/apps/import-publiccode/",
            {"region": region, "file": SimpleUploadedFile("p.yml", content)},
            format="multipart",
        )

    assert upload("33.25", b"name: x").status_code == 401
    api.force_authenticate(batang_editor)
    assert upload("33.74", b"name: x").status_code == 403
    assert upload("99.99", b"name: x").status_code == 400
    bad = upload("33.25", b"- just\n- a list\n")
    assert bad.status_code == 400
    assert App.objects.count() == 9


def test_counts_and_pages_come_from_the_columns_read_once_per_catalog_version(
    api, regions, monkeypatch, django_capture_on_commit_callbacks
):
    """Without a search, a list's count (capped at the result window) and its page's ids come from the
    catalog's columns in memory (catalog.columns), read once per catalog version: a page is then one
    query, its rows by id, filtered or not, in every order."""
    monkeypatch.setattr("catalog.selectors.RESULT_WINDOW", 3)
    for n in range(3):
        factories.AppFactory(
            slug=f"app-{n}", name=f"Aplikasi {n}", category="kesehatan" if n else "pengaduan"
        )
    assert api.get("/api/v1/apps/").json()["count"] == 3
    for params, slugs_expected in (
        ({"page_size": 2}, ["app-0", "app-1"]),
        ({"page_size": 2, "page": 2}, ["app-2"]),
        ({"page_size": 2, "ordering": "newest"}, ["app-2", "app-1"]),
        ({"category": "kesehatan", "ordering": "newest"}, ["app-2", "app-1"]),
        ({"category": "pengaduan"}, ["app-0"]),
    ):
        with CaptureQueriesContext(connection) as queries:
            body = api.get("/api/v1/apps/", params).json()
        assert [item["slug"] for item in body["results"]] == slugs_expected, params
        assert len(queries) == 1 and "COUNT(" not in queries[0]["sql"], params
    assert (body["count"], body["count_capped"]) == (1, False)
    factories.AppFactory(slug="app-3")
    with django_capture_on_commit_callbacks(execute=True):
        catalog_changed()  # as every catalog write does once it commits
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/apps/", {"page_size": 2}).json()
    assert (body["count"], body["count_capped"]) == (3, True)
    assert len(queries) == 2  # the columns again, then the page
