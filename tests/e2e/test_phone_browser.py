"""Pages on a phone (375 px): no sideways scrolling, table rows stacked with each cell's column name
shown beside its value; and the admin's MoU form in a 1366 px window."""

import pytest
from django.core.management import call_command

from registry.models import MoU
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 800}


@pytest.fixture
def demo(regions):
    call_command("load_demo")


def phone_page(browser, url):
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    page.goto(url)
    return context, page


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_tables_stack_with_their_column_names_on_a_phone(live_server, browser, demo):
    mou = MoU.objects.get()
    for path in ("/wilayah/", f"/mou/{mou.pk}/", "/aplikasi/program-pelaporan-kota-semarang/"):
        context, page = phone_page(browser, f"{live_server.url}{path}")
        assert scroll_width(page) <= PHONE["width"], path
        cell = page.locator("table.list tbody td[data-label]").first
        label = cell.get_attribute("data-label")
        shown = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert shown == f'"{label}"', (path, shown)
        assert page.locator("table.list thead").first.is_hidden()
        context.close()


def test_region_list_is_paged_on_a_phone(live_server, browser, regions):
    context, page = phone_page(browser, f"{live_server.url}/wilayah/?province=33")
    assert page.locator("table.list tbody tr").count() == 25
    page.click(".pagination a[rel=next]")
    page.wait_for_url("**province=33&page=2")
    assert page.locator("table.list tbody tr").count() == 11
    context.close()


def test_admin_mou_form_fits_a_1366_window(live_server, browser, demo):
    factories.StaffFactory(username="petugas", is_superuser=True)
    mou = MoU.objects.get()
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "petugas")
    page.fill("#id_password", "secret-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/registry/mou/{mou.pk}/change/")
    assert page.locator(".field-apps select").count() == 1
    assert scroll_width(page) <= 1366
    context.close()
