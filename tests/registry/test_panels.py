"""Page panels (registry/panels.py): how a higher app adds to a lower app's page without its own view."""

import pytest
from django.template import engines
from django.test import RequestFactory

from registry import panels

PANEL_TEMPLATES = {
    "page.html": '{% load registry_panels %}[{% page_panels "test:page" obj %}]',
    "first.html": "first:{{ obj }}:{{ value }}:{{ path }}:{{ request.path }};",
    "second.html": "second:{{ value }};",
    "hidden.html": "hidden;",
}


@pytest.fixture
def page(settings, monkeypatch):
    monkeypatch.setattr(panels, "_panels", {})
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [("django.template.loaders.locmem.Loader", PANEL_TEMPLATES)],
                "libraries": {"registry_panels": "registry.templatetags.registry_panels"},
                "context_processors": ["django.template.context_processors.request"],
            },
        }
    ]

    def render(obj):
        request = RequestFactory().get("/halaman/")
        return engines["django"].get_template("page.html").render({"obj": obj}, request)

    return render


def test_panels_render_in_order_in_the_page_context_and_none_leaves_a_panel_out(page):
    panels.register_panel("test:page", template="second.html", context=lambda r, o: {"value": 2}, order=20)
    panels.register_panel("test:page", template="hidden.html", context=lambda r, o: None, order=5)
    panels.register_panel(
        "test:page", template="first.html", context=lambda r, o: {"value": o * 10, "path": r.path}, order=10
    )
    assert page(1) == "[first:1:10:/halaman/:/halaman/;second:2;]"


def test_registering_a_panel_again_replaces_it(page):
    for value in (1, 2):  # e.g. AppConfig.ready() run twice
        panels.register_panel("test:page", template="second.html", context=lambda r, o, v=value: {"value": v})
    assert page(None) == "[second:2;]"


def test_a_page_without_panels_renders_nothing_and_other_pages_panels_stay_out(page):
    panels.register_panel("test:other", template="first.html", context=lambda r, o: {})
    assert page(None) == "[]"


def test_the_higher_apps_register_their_panels_on_the_lower_apps_pages():
    registered = {page: [p.template for p in panels.panels_for(page)] for page in panels._panels}
    assert registered == {
        "registry:home": [
            "catalog/panels/home_apps.html",
            "templates_repo/panels/home_newest.html",
            "templates_repo/panels/home_figures.html",
        ],
        "registry:region-detail": [
            "catalog/panels/region_apps.html",
            "replication/panels/region_replications.html",
            "templates_repo/panels/region_chart.html",
            "templates_repo/panels/region_results.html",
        ],
        "registry:mou-detail": ["catalog/panels/mou_apps.html"],
        "registry:workspace:todo": [
            "replication/panels/workspace_todo.html",
            "catalog/panels/workspace_adoptions.html",
        ],
        "registry:workspace": [
            "replication/panels/workspace_replications.html",
            "templates_repo/panels/workspace_forks.html",
            "templates_repo/panels/region_results.html",
            "catalog/panels/workspace_apps.html",
            "templates_repo/panels/region_chart.html",
        ],
        "catalog:app-detail": [
            "templates_repo/panels/app_templates.html",
            "replication/panels/app_request.html",
        ],
        "catalog:app-detail:contacts": ["replication/panels/app_contacts.html"],
        "catalog:app-detail:replications": [
            "replication/panels/app_replications.html",
            "templates_repo/panels/app_charts.html",
        ],
        "catalog:app-detail:results": ["templates_repo/panels/app_results.html"],
        "replication:replication-detail": [
            "templates_repo/panels/replication_forks.html",
            "templates_repo/panels/replication_reports.html",
        ],
    }
