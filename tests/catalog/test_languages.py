"""One language per page: an English page shows a record's English where it has one, and otherwise its
Indonesian marked as such ("(Bahasa Indonesia)"), never silently; the unknown licence is said in words
and is no licence to filter by."""

import datetime

import pytest
from django.core.cache import cache

from catalog.choices import UNKNOWN_LICENSE
from catalog.models import ServiceFigure
from tests import factories

pytestmark = pytest.mark.django_db

MARKER = "(Bahasa Indonesia)"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


@pytest.fixture
def apps(regions):
    translated = factories.AppFactory(
        slug="dua-bahasa",
        short_description="Ringkasan berbahasa Indonesia.",
        short_description_en="A summary in English.",
        long_description="Uraian panjang berbahasa Indonesia.",
        long_description_en="A long description in English.",
        features=["Fitur Indonesia"],
        features_en=["English feature"],
        license=UNKNOWN_LICENSE,
    )
    untranslated = factories.AppFactory(slug="satu-bahasa", short_description="Hanya ringkasan Indonesia.")
    ServiceFigure.objects.create(
        app=translated, metric="sla_hours", value=72, unit="jam", label="Waktu layanan laporan",
        measured_on=datetime.date(2018, 9, 25),
    )  # fmt: skip
    return translated, untranslated


def test_english_catalog_list_shows_english_summaries_and_marks_the_rest(english, apps):
    html = english.get("/aplikasi/").text
    assert "A summary in English." in html
    assert "Ringkasan berbahasa Indonesia." not in html
    marked = '<span lang="id">Hanya ringkasan Indonesia.</span> <small class="lang-note">' + MARKER
    assert marked in html


def test_indonesian_catalog_list_has_no_marker(client, apps):
    html = client.get("/aplikasi/").text
    assert "Ringkasan berbahasa Indonesia." in html and "Hanya ringkasan Indonesia." in html
    assert "A summary in English." not in html and MARKER not in html


def test_english_app_page_picks_english_and_marks_indonesian_only_text(english, apps):
    html = english.get("/aplikasi/dua-bahasa/").text
    assert "A summary in English." in html and "A long description in English." in html
    assert "English feature" in html
    for indonesian in ("Ringkasan berbahasa Indonesia.", "Uraian panjang", "Fitur Indonesia"):
        assert indonesian not in html
    # A figure's label exists in Indonesian only: shown, marked; its unit in English.
    assert '<span lang="id">Waktu layanan laporan</span> <small class="lang-note">' in html
    assert "72 hours" in html
    untranslated = english.get("/aplikasi/satu-bahasa/").text
    assert '<div lang="id"><p>Deskripsi panjang aplikasi' in untranslated
    assert untranslated.count(MARKER) >= 3  # summary, description, features


def test_indonesian_app_page_is_unmarked(client, apps):
    html = client.get("/aplikasi/dua-bahasa/").text
    assert "Ringkasan berbahasa Indonesia." in html and "Fitur Indonesia" in html
    assert "72 jam" in html and MARKER not in html


def test_unknown_licence_is_said_in_words_not_as_its_code(english, client, apps):
    assert UNKNOWN_LICENSE not in english.get("/aplikasi/dua-bahasa/").text
    assert "Licence unknown" in english.get("/aplikasi/dua-bahasa/").text
    assert "<code>MIT</code>" in english.get("/aplikasi/satu-bahasa/").text


def test_unknown_licence_is_not_a_filter_choice(client, api, apps):
    page = client.get("/aplikasi/")
    licences = {item["value"] for item in page.context["facets"]["license"]}
    assert licences == {"MIT"}
    assert UNKNOWN_LICENSE not in page.text
    facets = api.get("/api/v1/apps/facets/").json()["facets"]
    assert {item["value"] for item in facets["license"]} == {"MIT"}
    # The apps themselves stay counted and listed.
    assert page.context["paginator"].count == 2
