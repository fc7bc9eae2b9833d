import pytest
from django.core.cache import cache
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(regions):
    cache.clear()
    call_command("load_demo")


def test_official_filters_complaint_apps_in_central_java(live_server, page, demo):
    page.goto(f"{live_server.url}/aplikasi/")
    page.click(".facet a:has-text('Pengaduan')")
    page.wait_for_url("**category=pengaduan**")
    page.click(".facet a:has-text('Jawa Tengah')")
    page.wait_for_url("**province=33**")
    titles = page.locator(".results .card h3").all_inner_texts()
    assert sorted(titles) == ["Laporgub", "Program pelaporan Kota Semarang"]
    page.click("text=Program pelaporan Kota Semarang")
    page.wait_for_url("**/aplikasi/program-pelaporan-kota-semarang/")
    body = page.locator("main").inner_text()
    assert "72 jam" in body  # served within three days
    assert "Kabupaten Batang" in body  # who plans to reuse it
    assert "MoU pengembangan smart city" in body


def test_search_santunan_from_the_browse_page(live_server, page, demo):
    page.goto(f"{live_server.url}/aplikasi/")
    page.fill("#id_search", "santunan")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**search=santunan**")
    assert page.locator(".results .card h3").all_inner_texts() == [
        "E-Santunan Kematian (Smart Village Batang)"
    ]
