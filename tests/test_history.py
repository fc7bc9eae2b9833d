"""Audit trail (django-simple-history): who changed what, and when, on MoUs, members, apps, adoptions
and templates; shown in the admin and, to staff, on an MoU's page."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from catalog.models import Adoption, App
from registry.models import Membership, MoUParty
from registry.services import membership_set
from templates_repo.models import Template
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def root(regions):
    return factories.StaffFactory(username="root", is_superuser=True)


def changed_fields(record) -> set[str]:
    return {change.field for change in record.diff_against(record.prev_record).changes}


def test_api_patch_of_an_app_is_recorded_with_user_and_fields(api, batang_editor):
    factories.AppFactory(slug="mine", owner_region=factories.region("33.25"))
    token = Token.objects.create(user=batang_editor)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.patch("/api/v1/apps/mine/", {"status": "obsolete", "name": "Baru"}, format="json")
    assert response.status_code == 200, response.json()
    record = App.objects.get(slug="mine").history.first()
    assert record.history_type == "~"
    assert record.history_user == batang_editor
    assert {"status", "name"} <= changed_fields(record)
    # Derived columns (search text, counters) are not part of the trail.
    assert not {"search_document", "search_vector", "adoption_count"} & changed_fields(record)


def test_the_mous_covering_an_app_are_part_of_its_trail(api, batang_editor):
    app = factories.AppFactory(slug="mine", owner_region=factories.region("33.25"))
    mou = factories.MoUFactory()
    api.force_authenticate(batang_editor)
    response = api.patch("/api/v1/apps/mine/", {"mous": [mou.pk]}, format="json")
    assert response.status_code == 200, response.json()
    record = app.history.first()
    assert record.history_user == batang_editor
    assert [row.mou_id for row in record.mous.all()] == [mou.pk]
    assert "mous" in changed_fields(record)


def test_admin_edit_of_an_mou_is_recorded_with_user_and_fields(client, root):
    mou = factories.MoUFactory(title="Lama")
    parties = list(mou.parties.order_by("position"))
    data = {
        "title": "Baru",
        "number": mou.number,
        "signed_on": "2024-01-10",
        "starts_on": "2024-01-10",
        "scope": mou.scope,
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "2",
        "parties-MIN_NUM_FORMS": "2",
        "parties-MAX_NUM_FORMS": "1000",
    }
    for i, party in enumerate(parties):
        data.update(
            {
                f"parties-{i}-id": str(party.pk),
                f"parties-{i}-mou": str(mou.pk),
                f"parties-{i}-region": party.region_id,
                f"parties-{i}-signatory_name": party.signatory_name,
                f"parties-{i}-signatory_title": party.signatory_title,
                f"parties-{i}-position": str(i),
            }
        )
    client.force_login(root)
    response = client.post(f"/admin/registry/mou/{mou.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    record = mou.history.first()
    assert record.history_user == root
    assert changed_fields(record) >= {"title"}
    assert record.prev_record.title == "Lama"
    # The admin shows the trail.
    response = client.get(f"/admin/registry/mou/{mou.pk}/history/")
    assert response.status_code == 200
    assert "Baru" in response.content.decode()


def test_api_mou_party_changes_are_recorded(api, batang_editor):
    mou = factories.MoUFactory(party_codes=("33.25", "33.74"))
    api.force_authenticate(batang_editor)
    parties = [
        {"region": "33.25", "signatory_name": "Bupati A", "signatory_title": "Bupati Batang"},
        {"region": "33.74", "signatory_name": "Wali Kota B", "signatory_title": "Wali Kota Semarang"},
    ]
    response = api.patch(f"/api/v1/mous/{mou.pk}/", {"parties": parties}, format="json")
    assert response.status_code == 200, response.json()
    added = MoUParty.history.filter(mou_id=mou.pk, history_type="+", history_user=batang_editor)
    removed = MoUParty.history.filter(mou_id=mou.pk, history_type="-", history_user=batang_editor)
    assert added.count() == 2 and removed.count() == 2


def test_memberships_adoptions_and_templates_have_a_trail(api, regions, root):
    membership, _created = membership_set(username="sari", region=factories.region("33.25"), role="editor")
    membership_set(username="sari", region=factories.region("33.25"), role="admin")
    assert [record.role for record in Membership.history.filter(id=membership.pk)] == ["admin", "editor"]

    factories.AppFactory(slug="lapor", owner_region=factories.region("33.74"))
    developer = member_of("33.25", "developer")
    api.force_authenticate(developer)
    response = api.post("/api/v1/adoptions/", {"app": "lapor", "region": "33.25", "stage": "live"})
    assert response.status_code == 201
    record = Adoption.objects.get().history.get()
    assert record.history_user == developer and record.history_type == "+"

    template = Template.objects.create(
        slug="uji", name="Uji", description="d", category="pengaduan", mentor_region=factories.region("33.74")
    )
    template.name = "Uji dua"
    template.save()
    assert "name" in changed_fields(template.history.first())
    assert template.history.count() == 2


def test_mou_page_shows_history_to_staff_only(client, root, batang_editor):
    mou = factories.MoUFactory(title="Lama")
    mou.title = "Baru"
    mou._history_user = root
    mou.save()

    client.force_login(root)
    page = client.get(mou.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Riwayat perubahan" in html
    assert "root" in html
    assert "Lama" in html and "Baru" in html
    history = page.context["mou_history"]
    assert history[0]["user"] == root
    assert "title" in [change["field"] for change in history[0]["changes"]]

    client.force_login(batang_editor)
    assert "Riwayat perubahan" not in client.get(mou.get_absolute_url()).content.decode()
    client.logout()
    page = client.get(mou.get_absolute_url())
    assert page.status_code == 200
    assert "Riwayat perubahan" not in page.content.decode()
    assert "mou_history" not in page.context


def test_mou_page_shows_party_changes_net_of_the_services_replacing_them(api, client, root, batang_editor):
    mou = factories.MoUFactory(party_codes=("33.25", "33.74"))
    api.force_authenticate(batang_editor)
    parties = [
        # Batang unchanged, Semarang gone, Kota Pekalongan new.
        {"region": "33.25", "signatory_name": "Penandatangan 33.25", "signatory_title": "Kepala Daerah"},
        {"region": "33.75", "signatory_name": "Wali Kota C", "signatory_title": "Wali Kota Pekalongan"},
    ]
    response = api.patch(f"/api/v1/mous/{mou.pk}/", {"parties": parties, "title": "Baru"}, format="json")
    assert response.status_code == 200, response.json()
    client.force_login(root)
    entry = client.get(mou.get_absolute_url()).context["mou_history"][0]
    assert entry["user"] == batang_editor
    assert [change["field"] for change in entry["changes"]] == ["title"]
    assert entry["party_changes"] == [
        "Kota Semarang dihapus dari para pihak",
        "Kota Pekalongan ditambahkan sebagai pihak",
    ]


def test_admin_history_pages_show_the_trail(client, root, batang_editor):
    app = factories.AppFactory(slug="mine", owner_region=factories.region("33.25"))
    adoption = factories.AdoptionFactory(app=app, region=factories.region("33.74"))
    template = Template.objects.create(
        slug="uji", name="Uji", description="d", category="pengaduan", mentor_region=factories.region("33.74")
    )
    membership = Membership.objects.get(user=batang_editor)
    client.force_login(root)
    for path in (
        f"/admin/catalog/app/{app.pk}/history/",
        f"/admin/catalog/adoption/{adoption.pk}/history/",
        f"/admin/templates_repo/template/{template.pk}/history/",
        f"/admin/registry/membership/{membership.pk}/history/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert list(response.context["page_obj"]), path
