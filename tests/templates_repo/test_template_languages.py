"""A template's page in English: parameter types in words, and the prompts, description and changelog that
exist only in Indonesian (cookiecutter.json, lumbung.json, CHANGELOG.md) shown with "(Bahasa Indonesia)"."""

import pytest
from django.core.cache import cache

from templates_repo import services
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

MARKER = "(Bahasa Indonesia)"


@pytest.fixture
def library(regions, media_root):
    cache.clear()
    services.template_sync()


def test_english_template_page_shows_types_in_words_and_marks_indonesian_prompts(client, library):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/templat/pengaduan/").text
    assert 'data-label="Type">text</td>' in html
    assert 'data-label="Type">whole number</td>' in html
    assert 'data-label="Type">yes/no</td>' in html
    assert ">string<" not in html and ">integer<" not in html and ">boolean<" not in html
    assert '<span lang="id">Nama aplikasi (judul yang tampil di halaman)</span>' in html
    assert html.count(MARKER) > 10  # the description, each prompt, each changelog


def test_indonesian_template_page_is_unmarked(client, library):
    html = client.get("/templat/pengaduan/").text
    assert "Nama aplikasi (judul yang tampil di halaman)" in html and MARKER not in html


def test_english_fork_form_marks_the_prompts(client, library):
    client.force_login(member_of("33.25", "developer", "dev-batang"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/templat/pengaduan/").text
    assert 'for="id_p_sla_hours"><span lang="id">Batas waktu' in html.replace("\n", "")
    assert "For region" in html


def test_english_compare_page_labels_its_fields_in_english(client, library):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/templat/pengaduan/banding/").text
    assert "From version" in html and "To version" in html
    assert "Dari versi" not in html
