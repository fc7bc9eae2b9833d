"""The main pages under the Content-Security-Policy: nothing refused, and what is interactive still works."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from catalog.models import App
from registry.models import MoU
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

# Playwright's init scripts run outside the page's policy: they can listen for what the policy refuses.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def demo(regions):
    cache.clear()
    call_command("load_demo")


@pytest.fixture
def watched(page):
    """The page, with every CSP violation and console error it reports collected in `page.problems`."""
    page.problems = []
    page.add_init_script(RECORD_VIOLATIONS)

    def on_console(message):
        # The browser asks for /favicon.ico by itself; the site has none.
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            page.problems.append(f"console {message.type}: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    return page


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    assert "Content-Security-Policy" in {name.title() for name in response.headers} or (
        "content-security-policy" in response.headers
    ), url
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__csp")
    assert violations == [], (url, violations)
    assert page.problems == [], (url, page.problems)


def test_main_pages_run_under_the_policy(live_server, watched, demo):
    base = live_server.url
    app = App.objects.get(slug="program-pelaporan-kota-semarang")
    mou = MoU.objects.order_by("pk").first()
    for path in (
        "/",
        "/aplikasi/",
        app.get_absolute_url(),
        "/wilayah/33.74/",
        "/mou/",
        mou.get_absolute_url(),
        "/kunjungan/",
        "/templat/",
        "/masuk/",
    ):
        visit(watched, f"{base}{path}")


def test_swagger_ui_renders_the_api_under_the_policy(live_server, watched, regions):
    visit(watched, f"{live_server.url}/api/v1/docs/")
    watched.wait_for_selector(".swagger-ui .info .title")
    assert "Lumbung API" in watched.locator(".swagger-ui .info .title").inner_text()
    watched.click(".opblock-summary-path >> text=/api/v1/regions/")
    watched.wait_for_selector(".opblock.is-open")
    assert watched.evaluate("window.__csp") == []
    assert watched.problems == []


def test_forms_and_language_switch_work_and_admin_runs_under_the_policy(live_server, watched, demo):
    base = live_server.url
    factories.StaffFactory(username="petugas", is_superuser=True)
    # The search form on the catalog.
    visit(watched, f"{base}/aplikasi/")
    watched.fill("#id_search", "santunan")
    watched.click("form.filters button[type=submit]")
    watched.wait_for_url("**search=santunan**")
    assert watched.locator(".results .card h3").count() == 1
    # The language switch.
    watched.select_option("#language", "en")
    watched.click("form.lang button")
    watched.wait_for_load_state()
    assert watched.locator("html").get_attribute("lang") == "en"
    assert "search=santunan" in watched.url
    # Signing in, then the admin: its list, filters, a change form with inlines and its widgets.
    visit(watched, f"{base}/masuk/?next=/admin/")
    watched.fill("#id_username", "petugas")
    watched.fill("#id_password", "secret-pass-123")
    watched.click("main form button[type=submit]")
    watched.wait_for_url(f"{base}/admin/")
    assert watched.evaluate("window.__csp") == [] and watched.problems == []
    app = App.objects.get(slug="program-pelaporan-kota-semarang")
    # DRF's browsable API, with the forms a signed-in writer gets.
    for path in ("/api/v1/mous/", f"/api/v1/apps/{app.slug}/"):
        visit(watched, f"{base}{path}")
    for path in (
        "/admin/catalog/app/",
        f"/admin/catalog/app/{app.pk}/change/",
        "/admin/registry/mou/add/",
    ):
        visit(watched, f"{base}{path}")
    # An inline's "add another" button is the admin's own script at work.
    rows = watched.locator("#parties-group tbody tr.form-row:not(.empty-form)").count()
    watched.locator("#parties-group .add-row a").click()
    assert watched.locator("#parties-group tbody tr.form-row:not(.empty-form)").count() == rows + 1
    assert watched.evaluate("window.__csp") == [] and watched.problems == []
    # The browsable API's sign-out is a form button now (its link ran an inline onclick).
    visit(watched, f"{base}/api/v1/mous/")
    watched.click(".navbar .dropdown-toggle")
    watched.click(".navbar .dropdown-menu button[type=submit]")
    watched.wait_for_url("**/api/v1/mous/")
    assert watched.locator(".navbar .dropdown-toggle").count() == 0
    assert watched.evaluate("window.__csp") == [] and watched.problems == []


def test_filters_fold_on_a_phone_and_stay_open_on_a_desktop(live_server, browser, demo):
    for width, folded in ((375, True), (1280, False)):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="id-ID")
        page = context.new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        page.goto(f"{live_server.url}/aplikasi/")
        page.wait_for_load_state("networkidle")
        is_open = page.locator(".facets details").get_attribute("open") is not None
        assert is_open is not folded, width
        assert page.evaluate("window.__csp") == []
        context.close()
