import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_like(regions):
    factories.AgencyFactory(region=factories.region("33.74"), name="Dinas Komunikasi dan Informatika")
    mou = factories.MoUFactory(title="MoU smart city Batang Semarang", party_codes=("33.25", "33.74"))
    factories.StudyVisitFactory(visiting_region=factories.region("64.74"), host_codes=("33.74", "33"))
    return mou


def test_home(client, demo_like):
    response = client.get("/")
    assert response.status_code == 200
    assert "MoU smart city Batang Semarang" in response.text
    assert "<title>Daerah saling belajar · Lumbung</title>" in response.text


def test_region_directory_search_and_province_filter(client, regions):
    page = client.get("/wilayah/", {"search": "semarang"}).text
    assert "Kota Semarang" in page and "Kabupaten Semarang" in page and "Kabupaten Batang" not in page
    page = client.get("/wilayah/", {"province": "64"}).text
    assert "Kota Bontang" in page and "Kota Semarang" not in page
    assert "?province=64&amp;page=2" not in page  # fits on one page
    page = client.get("/wilayah/", {"page": 2}).text
    assert "page=3" in page  # filters and pages kept in the URL


def test_region_page_shows_agencies_mous_partners_and_visits(client, demo_like):
    page = client.get("/wilayah/33.74/").text
    assert "Dinas Komunikasi dan Informatika" in page
    assert "MoU smart city Batang Semarang" in page
    assert "Kabupaten Batang" in page  # partner
    assert "Kota Bontang" in page  # visit hosted
    province = client.get("/wilayah/33/").text
    assert "Kota Semarang" in province and "Kabupaten Batang" in province  # its regencies and cities
    assert client.get("/wilayah/99/").status_code == 404


def test_mou_list_uses_the_same_filters_as_the_api(client, api, demo_like):
    factories.MoUFactory(title="MoU lain", party_codes=("12", "33"), signed_on=datetime.date(2019, 1, 1))
    for params in ({"region": "33.74"}, {"year": 2019}, {"search": "batang"}, {"status": "active"}, {}):
        api_titles = {m["title"] for m in api.get("/api/v1/mous/", params).json()["results"]}
        page = client.get("/mou/", params).text
        for title in ("MoU smart city Batang Semarang", "MoU lain"):
            assert (title in page) == (title in api_titles), (params, title)


def test_mou_page(client, demo_like):
    page = client.get(f"/mou/{demo_like.pk}/").text
    assert "MoU smart city Batang Semarang" in page
    assert "Penandatangan 33.25" in page
    assert client.get(f"/mou/{demo_like.pk}/dokumen/").status_code == 404  # no document uploaded


def test_visit_list(client, demo_like):
    assert "Kota Bontang" in client.get("/kunjungan/").text


def test_pages_are_indonesian_by_default_and_switch_to_english(client, regions):
    assert '<html lang="id">' in client.get("/wilayah/").text
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/wilayah/"})
    assert response.status_code == 302
    page = client.get("/wilayah/").text
    assert '<html lang="en">' in page
    assert "Regions" in page


def test_no_external_assets(client, demo_like):
    for url in ("/", "/wilayah/", "/wilayah/33.74/", "/mou/", f"/mou/{demo_like.pk}/", "/kunjungan/"):
        page = client.get(url).text
        assert "https://" not in page.replace("https://github.com", ""), url
        assert 'name="viewport"' in page


@pytest.mark.parametrize("url", ["/wilayah/", "/mou/", "/kunjungan/", "/"])
def test_list_pages_run_constant_queries(client, regions, url):
    def count(n_extra):
        for i in range(n_extra):
            factories.MoUFactory(party_codes=("33.74", ("33.25", "64.74", "12", "35.73", "33")[i % 5]))
            factories.StudyVisitFactory(host_codes=("33.74", "33"))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    assert count(1) == count(6)


def test_region_page_constant_queries(client, regions):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/wilayah/33.74/").status_code == 200
        return len(ctx.captured_queries)

    factories.MoUFactory(party_codes=("33.74", "33.25"))
    factories.StudyVisitFactory(visiting_region=factories.region("33.25"), host_codes=("33.74",))
    factories.AgencyFactory(region=factories.region("33.74"))
    before = count()
    for code in ("64.74", "12", "35.73"):
        factories.MoUFactory(party_codes=("33.74", code))
        factories.StudyVisitFactory(visiting_region=factories.region(code), host_codes=("33.74",))
        factories.AgencyFactory(region=factories.region("33.74"))
    assert count() == before


def test_region_list_paginates_keeping_its_filters(client, regions):
    page = client.get("/wilayah/", {"province": "33"})
    assert len(page.context["object_list"]) == 25  # Jawa Tengah and its 35 regencies and cities
    assert page.context["paginator"].num_pages == 2
    assert 'href="?province=33&amp;page=2"' in page.text
    second = client.get("/wilayah/", {"province": "33", "page": 2})
    assert len(second.context["object_list"]) == 11
    assert 'href="?province=33&amp;page=1"' in second.text


def test_table_cells_carry_their_column_names_for_phones(client, demo_like):
    regions_page = client.get("/wilayah/", {"search": "semarang"}).text
    for label in ("Kode", "Nama", "Jenis", "Provinsi"):
        assert f'<td data-label="{label}">' in regions_page
    mou = client.get(f"/mou/{demo_like.pk}/").text
    assert '<td data-label="Wilayah">' in mou and '<td data-label="Ditandatangani oleh">' in mou
