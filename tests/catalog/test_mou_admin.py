"""The MoU admin (registered again by the catalog with the apps an MoU covers): the apps field, the rule
that an MoU covers only its parties' apps, and the changelist's parties."""

import pytest

from catalog.models import App
from registry.models import MoU
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, regions):
    client.force_login(factories.StaffFactory(username="root", is_superuser=True))
    return client


def change_form(mou: MoU, apps) -> dict:
    parties = list(mou.parties.all())
    data = {
        "title": mou.title,
        "number": mou.number,
        "signed_on": mou.signed_on.isoformat(),
        "scope": mou.scope,
        "apps": [str(app.pk) for app in apps],
        "parties-TOTAL_FORMS": str(len(parties)),
        "parties-INITIAL_FORMS": str(len(parties)),
        "parties-MIN_NUM_FORMS": "2",
        "parties-MAX_NUM_FORMS": "1000",
    }
    for i, party in enumerate(parties):
        data.update({
            f"parties-{i}-id": str(party.pk), f"parties-{i}-mou": str(mou.pk),
            f"parties-{i}-region": party.region_id, f"parties-{i}-signatory_name": party.signatory_name,
            f"parties-{i}-signatory_title": party.signatory_title, f"parties-{i}-position": str(i),
        })  # fmt: skip
    return data


def test_mou_form_sets_the_apps_it_covers(admin_client):
    mou = factories.MoUFactory(title="MoU Batang Semarang", party_codes=("33.25", "33.74"))
    semarang = factories.AppFactory(name="Lapor Semarang", owner_region=factories.region("33.74"))
    batang = factories.AppFactory(name="Santunan Batang", owner_region=factories.region("33.25"))
    page = admin_client.get(f"/admin/registry/mou/{mou.pk}/change/").text
    assert 'name="apps"' in page and "admin/autocomplete" in page
    response = admin_client.post(
        f"/admin/registry/mou/{mou.pk}/change/", change_form(mou, [semarang, batang])
    )
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert set(mou.apps.all()) == {semarang, batang}
    assert semarang.history.count() == 2  # created, then covered: the change is in the app's history
    page = admin_client.get(f"/admin/registry/mou/{mou.pk}/change/").text
    assert f'<option value="{semarang.pk}" selected>Lapor Semarang</option>' in page
    response = admin_client.post(f"/admin/registry/mou/{mou.pk}/change/", change_form(mou, [batang]))
    assert response.status_code == 302
    assert list(mou.apps.all()) == [batang]


def test_mou_form_refuses_an_app_of_another_region(admin_client):
    mou = factories.MoUFactory(party_codes=("33.25", "33.74"))
    bontang = factories.AppFactory(name="Aplikasi Bontang", owner_region=factories.region("64.74"))
    response = admin_client.post(f"/admin/registry/mou/{mou.pk}/change/", change_form(mou, [bontang]))
    assert response.status_code == 200
    assert "Aplikasi Bontang" in response.text and "Kota Bontang" in response.text
    assert not App.objects.filter(mous=mou).exists()


def test_mou_changelist_shows_the_parties(admin_client):
    factories.MoUFactory(title="MoU Batang Semarang", party_codes=("33.25", "33.74"))
    page = admin_client.get("/admin/registry/mou/").text
    assert "Kabupaten Batang, Kota Semarang" in page


def test_mou_admin_pages_link_the_favicon(admin_client):
    mou = factories.MoUFactory()
    for url in ("/admin/", "/admin/registry/mou/", f"/admin/registry/mou/{mou.pk}/change/"):
        assert 'rel="icon" href="/static/lumbung/favicon.svg"' in admin_client.get(url).text, url
