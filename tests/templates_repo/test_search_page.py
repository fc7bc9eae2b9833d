"""/cari/: one search over apps, templates and regions, grouped, with help when nothing is found."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from templates_repo import services as template_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(regions, media_root):
    cache.clear()
    call_command("load_demo")
    template_services.template_sync()


def names(items):
    return [item.name for item in items]


def test_pengaduan_finds_both_apps_and_the_template(client, demo):
    page = client.get("/cari/", {"q": "pengaduan"})
    context = page.context
    assert {"Laporgub", "Program pelaporan Kota Semarang"} <= set(names(context["apps"]))
    assert names(context["templates"])[0] == "Pengaduan masyarakat"
    assert 'href="#found-templates"' in page.text


def test_musrenbang_finds_the_planning_apps_and_the_template(client, demo):
    context = client.get("/cari/", {"q": "musrenbang"}).context
    assert {
        "GRMS (Government Resource Management System)",
        "E-Planning dan E-Budgeting Kabupaten Batang",
    } <= set(names(context["apps"]))
    assert names(context["templates"])[0] == "E-planning musrenbang"


def test_templates_are_found_through_their_app_and_regions_through_synonyms_and_typos(client, demo):
    assert names(client.get("/cari/", {"q": "GRMS"}).context["templates"]) == ["E-planning musrenbang"]
    assert "Kota Semarang" in names(client.get("/cari/", {"q": "semarnag"}).context["regions"])
    assert "Kota Semarang" in names(client.get("/cari/", {"q": "33.74"}).context["regions"])


def test_nothing_found_suggests_and_lists_categories(client, demo):
    page = client.get("/cari/", {"q": "musrenbxqz"})
    assert page.context["total"] == 0
    assert page.context["search_help"]["categories"]
    assert "/aplikasi/?category=perencanaan" in page.text


def test_home_and_search_page_share_the_search_box(client, demo):
    for url in ("/", "/cari/"):
        html = client.get(url).text
        assert 'action="/cari/"' in html and 'name="q"' in html
