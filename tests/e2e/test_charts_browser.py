"""The charts in Chromium: the dashboard, the home page and an app's page draw theirs (a canvas with
pixels, the expected number of series, nodes or provinces), their tables hold the API's numbers, the
English switch changes their labels, nothing breaks the CSP; screenshots at desktop (1366 px) and phone
(375 px) width go to var/ci-output/screenshots/ for a person to look at."""

import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from templates_repo.stats.selectors import add_months, this_month
from tests import factories
from tests.factories import region

from .test_csp_browser import RECORD_VIOLATIONS

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = settings.BASE_DIR / "var" / "ci-output" / "screenshots"
APP = "/aplikasi/program-pelaporan-kota-semarang/"

# Pixels drawn on a chart's canvas (not transparent): more than a blank canvas has.
PAINTED = """el => {
  const canvas = el.querySelector("canvas");
  if (!canvas) return 0;
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}"""


@pytest.fixture
def demo(regions):
    """The demo data, and a copy of the demo app's template in Batang that reported last month."""
    cache.clear()
    call_command("load_demo")
    version = factories.TemplateVersionFactory(template__mentor_region=region("33.74"))
    fork = factories.ForkFactory(version=version, region=region("33.25"))
    factories.ServiceReportFactory(fork=fork, month=add_months(this_month(), -1))


@pytest.fixture
def watched(page):
    page.problems = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            page.problems.append(message.text)
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    return page


def open_and_wait(page, url: str, charts: int) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_function(
        f"document.querySelectorAll('[data-chart-drawn=true]').length >= {charts}", timeout=15_000
    )
    assert page.evaluate("window.__csp") == [], url
    assert page.problems == [], page.problems


def count_of(page, chart_id: str) -> int:
    el = page.locator(f"#chart-{chart_id}-canvas")
    assert el.evaluate(PAINTED) > 500, f"{chart_id} drew nothing"
    return int(el.get_attribute("data-chart-count"))


def table(page, chart_id: str) -> list[list[str]]:
    return page.locator(f"#chart-{chart_id}-table tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.children).map(c => c.textContent.trim()))"
    )


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(400)  # charts.js redraws 150 ms after a resize
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def test_the_dashboard_draws_its_charts_from_the_apis_numbers(live_server, watched, demo):
    base = live_server.url
    open_and_wait(watched, f"{base}/dasbor/", 4)
    assert count_of(watched, "timeline") == 3  # adoptions, copies, replications
    assert count_of(watched, "provinces") == 38
    network = watched.request.get(f"{base}/api/v1/stats/network/").json()
    assert count_of(watched, "network") == len(network["nodes"]) > 2
    assert count_of(watched, "sla") == 1

    provinces = watched.request.get(f"{base}/api/v1/stats/provinces/").json()["provinces"]
    assert table(watched, "provinces") == [
        [row["name"], str(row["apps_built"]), str(row["apps_reused"]), str(row["live_copies"])]
        for row in provinces
    ]
    months = watched.request.get(f"{base}/api/v1/stats/timeline/").json()["months"]
    assert [[int(cell) for cell in cells[1:]] for cells in table(watched, "timeline")] == [
        [row["adoptions"], row["copies"], row["replications"]] for row in months
    ]
    assert len(table(watched, "network")) == len(network["links"])
    sla = watched.request.get(f"{base}/api/v1/stats/sla/").json()["months"]
    assert sla[-1]["share"] == 85.0
    assert table(watched, "sla")[-1][1:] == ["85,0", "1", "100"]  # an Indonesian decimal comma

    # The map's select switches the measure it shows.
    watched.select_option("#chart-provinces-canvas-measure", "2")
    assert watched.locator("#chart-provinces-canvas").get_attribute("data-chart-measure") == "2"
    csv = watched.request.get(f"{base}{watched.locator('#chart-provinces .chart-csv').get_attribute('href')}")
    assert csv.headers["content-type"].startswith("text/csv") and csv.text().count("\n") == 39
    screenshot(watched, "dasbor")


def test_the_home_page_and_an_app_page_draw_their_charts(live_server, watched, demo):
    base = live_server.url
    open_and_wait(watched, f"{base}/", 1)
    assert count_of(watched, "home-timeline") == 3
    screenshot(watched, "beranda")
    open_and_wait(watched, f"{base}{APP}", 2)
    assert count_of(watched, "app-timeline") == 3
    assert count_of(watched, "app-map") == 38
    screenshot(watched, "aplikasi")
    open_and_wait(watched, f"{base}/wilayah/33.25/", 1)
    assert count_of(watched, "region-apps") == 2
    screenshot(watched, "wilayah")


def test_the_english_switch_changes_the_chart_labels(live_server, watched, demo):
    open_and_wait(watched, f"{live_server.url}/dasbor/", 4)
    months = "el => echarts.getInstanceByDom(el).getOption().xAxis[0].data"
    indonesian = watched.locator("#chart-timeline-canvas").evaluate(months)
    first = datetime.date.fromisoformat(
        watched.request.get(f"{live_server.url}/api/v1/stats/timeline/").json()["months"][0]["month"]
    )
    may = next(add_months(first, n) for n in range(12) if add_months(first, n).month == 5)
    assert f"Mei {may.year}" in indonesian
    watched.select_option("#language", "en")
    watched.click(".lang button")
    watched.wait_for_load_state()
    open_and_wait(watched, watched.url, 4)
    english = watched.locator("#chart-timeline-canvas").evaluate(months)
    assert f"May {may.year}" in english and f"Mei {may.year}" not in english
    assert watched.locator("#chart-timeline-table thead th").first.inner_text() == "Month"


def test_a_click_on_a_region_of_the_network_opens_its_page(live_server, watched, demo):
    open_and_wait(watched, f"{live_server.url}/dasbor/", 4)
    canvas = watched.locator("#chart-network-canvas")
    canvas.scroll_into_view_if_needed()
    # Where ECharts laid out Kota Semarang, in the page's pixels.
    x, y = canvas.evaluate(
        """el => {
          const chart = echarts.getInstanceByDom(el);
          const data = chart.getModel().getSeriesByIndex(0).getData();
          const index = data.indexOfName("Kota Semarang");
          return chart.convertToPixel({ seriesIndex: 0 }, data.getItemLayout(index));
        }"""
    )
    box = canvas.bounding_box()
    watched.mouse.click(box["x"] + x, box["y"] + y)
    watched.wait_for_url("**/wilayah/33.74/")
