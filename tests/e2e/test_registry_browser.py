import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(regions):
    call_command("load_demo")


def test_official_finds_batang_semarang_mou(live_server, page, demo):
    page.goto(f"{live_server.url}/wilayah/")
    assert page.locator("html").get_attribute("lang") == "id"
    page.fill("#id_search", "semarang")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**search=semarang**")
    page.click("text=Kota Semarang")
    page.wait_for_url("**/wilayah/33.74/")
    assert page.locator("h1").inner_text() == "Kota Semarang"
    assert page.locator("text=Dinas Komunikasi dan Informatika").count() == 1
    page.click("text=MoU pengembangan smart city Kabupaten Batang dengan Kota Semarang")
    page.wait_for_url("**/mou/*/")
    body = page.locator("main").inner_text()
    assert "Wihaji" in body and "Hendrar Prihadi" in body
    assert "25 September 2018" in body


def test_filters_stay_in_the_url_and_language_switches(live_server, page, demo):
    page.goto(f"{live_server.url}/wilayah/?province=64")
    assert page.locator("#id_province").input_value() == "64"
    assert page.locator("text=Kota Bontang").count() >= 1
    page.select_option("#language", "en")
    page.click("form.lang button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "province=64" in page.url
    assert page.locator("h1").inner_text() == "Regions"


def test_phone_layout_has_no_horizontal_scroll(live_server, browser, demo):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="id-ID")
    page = context.new_page()
    for path in ("/", "/wilayah/", "/wilayah/33.74/", "/mou/", "/kunjungan/"):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    page.screenshot(path="var/e2e-region-phone.png", full_page=True)
    context.close()
