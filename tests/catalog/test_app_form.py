"""A region adds its app to the catalog from the web, and changes it: the form writes through the same
services as the API; bad input is a 400 with the form's errors and nothing saved."""

import pytest

from catalog.models import App
from tests import factories
from tests.conftest import member_of
from tests.permissions.cases import APP_FORM

pytestmark = pytest.mark.django_db

BATANG, SEMARANG = "33.25", "33.74"
CREATE = f"/wilayah-saya/{BATANG}/aplikasi-baru/"


@pytest.fixture
def editor(client, regions):
    user = member_of(BATANG, "editor")
    client.force_login(user)
    return user


def test_an_editor_adds_the_regions_app(client, editor):
    agency = factories.AgencyFactory(region=factories.region(BATANG), name="Diskominfo Batang")
    mou = factories.MoUFactory(party_codes=[BATANG, SEMARANG])
    form = {
        **APP_FORM,
        "owner_agency": agency.pk,
        "features": "Lapor dari ponsel\n\n  Pantau status  \n",
        "repository_url": "git.batangkab.go.id/lapor",
        "mous": [mou.pk],
    }
    response = client.post(CREATE, form)
    app = App.objects.get()
    assert response.status_code == 302 and response.url == app.get_absolute_url()
    assert (app.owner_region_id, app.owner_agency, app.created_by) == (BATANG, agency, editor)
    assert app.features == ["Lapor dari ponsel", "Pantau status"]
    assert app.repository_url == "https://git.batangkab.go.id/lapor"
    assert list(app.mous.all()) == [mou]
    assert app.slug == "laporan-warga-batang"
    assert "laporan warga batang" in app.search_document


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"license": "not a licence!"}, "license"),
        ({"category": "bogus"}, "category"),
        ({"launched_on": "2024-13-45"}, "launched_on"),
        ({"features": "x" * 301}, "features"),
        ({"repository_url": "javascript:alert(1)"}, "repository_url"),
    ],
)
def test_bad_input_is_a_400_with_the_fields_errors_and_nothing_saved(client, editor, change, field):
    response = client.post(CREATE, {**APP_FORM, **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not App.objects.exists()


def test_an_agency_or_mou_of_another_region_is_refused(client, editor):
    foreign_agency = factories.AgencyFactory(region=factories.region(SEMARANG))
    foreign_mou = factories.MoUFactory(party_codes=[SEMARANG, "64.74"])
    response = client.post(CREATE, {**APP_FORM, "owner_agency": foreign_agency.pk, "mous": [foreign_mou.pk]})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"owner_agency", "mous"}
    assert not App.objects.exists()


def test_a_lineage_circle_is_refused(client, editor):
    parent = factories.AppFactory(slug="induk", owner_region=factories.region(BATANG))
    child = factories.AppFactory(slug="anak", owner_region=factories.region(SEMARANG), based_on=parent)
    response = client.post("/aplikasi/induk/ubah/", {**APP_FORM, "based_on": child.pk})
    assert response.status_code == 400
    assert "based_on" in response.context["form"].errors
    parent.refresh_from_db()
    assert parent.based_on is None


def test_the_change_form_shows_the_app_as_it_is(client, editor):
    factories.AppFactory(slug="mine", owner_region=factories.region(BATANG), features=["Satu", "Dua"])
    page = client.get("/aplikasi/mine/ubah/").content.decode()
    assert "Satu\nDua" in page
    assert 'href="/aplikasi/mine/ubah/"' in client.get("/aplikasi/mine/").content.decode()


def test_the_app_page_offers_no_change_link_to_others(client, regions):
    factories.AppFactory(slug="mine", owner_region=factories.region(BATANG))
    client.force_login(member_of(SEMARANG, "editor"))
    assert "/ubah/" not in client.get("/aplikasi/mine/").content.decode()
    assert client.get("/aplikasi/mine/ubah/").status_code == 403


def test_the_form_is_in_indonesian_first(client, editor):
    response = client.get(CREATE)
    page = response.content.decode()
    assert response.status_code == 200 and '<html lang="id">' in page
    assert "Tambahkan aplikasi kami ke katalog" in page and "Satu per baris." in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Add our app to the catalog" in client.get(CREATE).content.decode()
