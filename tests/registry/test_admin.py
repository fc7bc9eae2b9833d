import pytest

from registry.models import MoU, MoUParty
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, regions):
    client.force_login(factories.StaffFactory(username="root", is_superuser=True))
    return client


def inline(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "2",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def mou_form(rows):
    return {
        "title": "MoU dari admin",
        "number": "1/2025",
        "signed_on": "2025-02-01",
        "scope": "Uji",
        **inline("parties", rows),
    }


def test_admin_records_mou_with_party_inlines(admin_client):
    rows = [
        {"region": "33.25", "signatory_name": "A", "signatory_title": "Bupati", "position": "0"},
        {"region": "33.74", "signatory_name": "B", "signatory_title": "Wali Kota", "position": "1"},
    ]
    response = admin_client.post("/admin/registry/mou/add/", mou_form(rows))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    mou = MoU.objects.get()
    assert mou.created_by.username == "root"
    assert mou.starts_on == mou.signed_on
    assert MoUParty.objects.filter(mou=mou).count() == 2


def test_admin_refuses_one_distinct_party(admin_client):
    rows = [
        {"region": "33.25", "signatory_name": "A", "signatory_title": "Bupati", "position": "0"},
        {"region": "33.25", "signatory_name": "B", "signatory_title": "Wakil", "position": "1"},
    ]
    response = admin_client.post("/admin/registry/mou/add/", mou_form(rows))
    assert response.status_code == 200
    assert MoU.objects.count() == 0


@pytest.mark.parametrize(
    "query",
    ["", "?q=33.74", "?q=Semarang", "?status=active", "?year=2024", "?province=33", "?signed_on__year=2024"],
)
def test_mou_changelist_search_and_filters(admin_client, query):
    factories.MoUFactory(party_codes=("33.25", "33.74"))
    response = admin_client.get(f"/admin/registry/mou/{query}")
    assert response.status_code == 200
    assert "MoU uji" in response.text


def test_regions_are_read_only_in_admin(admin_client):
    assert admin_client.get("/admin/registry/region/").status_code == 200
    assert admin_client.get("/admin/registry/region/add/").status_code == 403
    assert admin_client.post("/admin/registry/region/33.74/delete/", {"post": "yes"}).status_code == 403


def test_visits_and_agencies_are_editable(admin_client):
    assert admin_client.get("/admin/registry/studyvisit/add/").status_code == 200
    assert admin_client.get("/admin/registry/agency/add/").status_code == 200
