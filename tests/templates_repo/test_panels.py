"""The template library's panel on the catalog's app page (templates_repo/panels.py)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from templates_repo import services
from templates_repo.models import Template
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(regions, media_root):
    call_command("load_demo")
    services.template_sync()
    return Template.objects.get(slug="pengaduan")


def test_the_app_page_offers_a_copy_of_the_app_a_template_reproduces(client, library):
    page = client.get(library.app.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<a class="button" href="{library.get_absolute_url()}">Buat salinan</a>' in html
    assert library.mentor_region.name in html


def test_an_app_without_a_template_has_no_copy_button(client, library):
    from catalog.models import App

    app = App.objects.exclude(templates__isnull=False).first()
    html = client.get(app.get_absolute_url()).content.decode()
    assert "Buat salinan" not in html
    assert 'class="callout"' not in html


def test_the_copy_panel_runs_one_query_however_many_templates(client, library):
    url = library.app.get_absolute_url()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for number, code in enumerate(("33.25", "64.74", "12")):
        Template.objects.create(
            app=library.app,
            slug=f"copy-{number}",
            name=f"Copy {number}",
            description="A copy",
            category=library.category,
            mentor_region=factories.region(code),
        )
    assert count() == before
    assert client.get(url).content.decode().count("Buat salinan") == 4


def test_the_template_page_shows_whom_to_ask_about_its_app(client, library):
    from tests.conftest import member_of

    factories.MentorContactFactory(
        app=library.app, name="Mentor Pelaporan", email="pelaporan@example.test", phone="6281234567890"
    )
    html = client.get(library.get_absolute_url()).content.decode()
    assert "Tempat bertanya" in html and "Mentor Pelaporan" in html
    assert "pelaporan@example.test" not in html and "wa.me" not in html  # officials only
    client.force_login(member_of("64.74", "viewer"))
    html = client.get(library.get_absolute_url()).content.decode()
    assert "pelaporan@example.test" in html and "https://wa.me/6281234567890" in html
