"""The copy's page: the months it reported with the figures' labels, its reporting keys (made from the
page and shown once, revoked from the page) for those who may manage them."""

import datetime
import re

import pytest

from templates_repo.models import ReportingKey
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

BATANG = "33.25"


@pytest.fixture
def copy(regions):
    return factories.ForkFactory(region=factories.region(BATANG))


def page(client, fork) -> str:
    response = client.get(fork.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_developer_makes_a_key_from_the_page_and_sees_it_once(client, copy):
    client.force_login(member_of(BATANG, "developer"))
    answer = client.post(f"/salinan/{copy.pk}/kunci-laporan/", {"name": "server dinas"})
    assert answer.status_code == 302 and answer["Location"].endswith("#hasil-layanan")
    first = page(client, copy)
    shown = re.search(r'<code class="secret">(lbk_[^<]+)</code>', first)
    assert shown, first
    key = ReportingKey.objects.get()
    assert key.prefix == shown[1][:12] and key.name == "server dinas"
    assert "report_to_lumbung" in first
    again = page(client, copy)
    assert shown[1] not in again and f"{key.prefix}…" in again


def test_a_key_is_revoked_from_the_page(client, copy):
    client.force_login(member_of(BATANG, "editor"))
    client.post(f"/salinan/{copy.pk}/kunci-laporan/", {})
    key = ReportingKey.objects.get()
    assert client.post(f"/salinan/{copy.pk}/kunci-laporan/{key.pk}/cabut/").status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_a_viewer_sees_the_results_but_no_keys_and_may_not_make_one(client, copy):
    factories.ServiceReportFactory(fork=copy, month=datetime.date(2026, 10, 1))
    client.force_login(member_of(BATANG, "viewer"))
    html = page(client, copy)
    assert "Laporan masuk" in html and "Oktober 2026" in html and ">120<" in html
    assert "kunci-laporan" not in html
    assert client.post(f"/salinan/{copy.pk}/kunci-laporan/", {}).status_code == 403
    assert not ReportingKey.objects.exists()


def test_another_regions_member_finds_no_copy(client, copy):
    client.force_login(member_of("33.74", "admin"))
    assert client.get(copy.get_absolute_url()).status_code == 404
    assert client.post(f"/salinan/{copy.pk}/kunci-laporan/", {}).status_code == 404


def test_a_copy_whose_version_declares_no_figures_says_how_to_get_them(client, regions):
    old = factories.ForkFactory(version=factories.TemplateVersionFactory(figures=[]))
    client.force_login(member_of(BATANG, "developer"))
    html = page(client, old)
    assert "kunci-laporan" not in html and 'id="hasil-layanan"' in html


def test_the_region_page_and_workspace_show_what_its_copies_report(client, copy):
    for month in (9, 10):
        factories.ServiceReportFactory(fork=copy, month=datetime.date(2026, month, 1))
    region_page = client.get("/wilayah/33.25/").content.decode()
    assert 'id="hasil-layanan-daerah"' in region_page and "Oktober 2026" in region_page
    assert f"chart-region-results-{copy.pk.hex[:8]}" in region_page and "Laporan masuk" in region_page
    client.force_login(member_of(BATANG, "viewer"))
    workspace = client.get("/wilayah-saya/33.25/").content.decode()
    assert 'id="hasil-layanan-daerah"' in workspace
    assert 'id="hasil-layanan-daerah"' not in client.get("/wilayah/64.74/").content.decode()


def test_the_region_page_shows_its_replications_with_their_phase(client, regions):
    replication = factories.ReplicationFactory(penerima=factories.region(BATANG))
    html = client.get("/wilayah/33.25/").content.decode()
    assert 'id="region-replications-title"' in html and replication.get_absolute_url() in html
    assert f"phase-{replication.phase}" in html
    assert 'id="region-replications-title"' not in client.get("/wilayah/64.74/").content.decode()
