"""A fork of a template belongs to a replication: the region's open replication of the template's app, or
an independent (mandiri) one it opens; the copy is on the adoption's timeline as a link and on the
replication's page, and it never rewrites the adoption's "since" or its evidence."""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.formats import date_format

from catalog.models import Adoption
from replication.models import PhaseChange, Replication
from templates_repo import services
from templates_repo.models import Fork, Template
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

APP = "program-pelaporan-kota-semarang"  # Semarang's, reproduced by the template "pengaduan"


@pytest.fixture
def library(regions, media_root, settings):
    call_command("load_demo")
    services.template_sync()
    # The demo's replications (Batang's mentored one of this app among them) out of the way: each test
    # sets up the replications it is about.
    Replication.objects.all().delete()
    cache.clear()
    return {template.slug: template for template in Template.objects.all()}


@pytest.fixture
def developer(regions):
    return member_of("33.25", "developer", "dev-batang")


def fork(user, region="33.25", template="pengaduan") -> Fork:
    created, _ = services.fork_request(
        user=user, template_slug=template, region_code=region, context={"sla_hours": 24}
    )
    return created


def test_a_regions_first_fork_opens_a_mandiri_replication_and_the_next_joins_it(library, developer):
    first = fork(developer)
    replication = first.replication
    assert replication is not None
    assert (replication.app.slug, replication.asal_id, replication.penerima_id) == (APP, "33.74", "33.25")
    assert (replication.model, replication.phase, replication.request_state) == (
        "mandiri",
        "persiapan",
        "not_needed",
    )
    assert replication.requested_by == developer
    assert PhaseChange.objects.filter(replication=replication).count() == 1
    second = fork(developer)
    assert second.replication == replication and Replication.objects.count() == 1
    assert set(replication.forks.all()) == {first, second}


def test_a_fork_joins_the_regions_open_mentored_replication(library, developer):
    app = library["pengaduan"].app
    factories.ReplicationFactory(app=app, model="fasilitasi", phase="selesai", fasilitator_name="LAN")
    mentored = factories.ReplicationFactory(app=app, model="kemitraan", phase="rencana_pengembangan")
    assert fork(developer).replication == mentored
    assert Replication.objects.count() == 2  # the completed one is not joined, and nothing new is opened


def test_a_fork_after_the_replication_ended_opens_a_new_one(library, developer):
    app = library["pengaduan"].app
    ended = factories.ReplicationFactory(app=app, phase="dibatalkan", cancel_reason="Anggaran belum ada.")
    replication = fork(developer).replication
    assert replication != ended and replication.model == "mandiri" and replication.is_open


def test_the_owner_regions_own_fork_and_a_template_of_no_app_have_no_replication(library, developer):
    semarang = member_of("33.74", "developer", "dev-semarang")
    assert fork(semarang, region="33.74").replication is None
    Template.objects.filter(slug="pengaduan").update(app=None)
    assert fork(developer).replication is None
    assert not Replication.objects.exists()


def test_a_refused_fork_opens_nothing(library, regions):
    outsider = member_of("64.74", "developer", "dev-bontang")
    with pytest.raises(services.forks.PermissionDenied):
        fork(outsider)
    assert not Replication.objects.exists()


def test_the_api_shows_the_replication_and_filters_by_it(api, library, developer):
    api.force_authenticate(developer)
    first = api.post("/api/v1/forks/", {"template": "pengaduan", "region": "33.25"}, format="json").json()
    other = api.post("/api/v1/forks/", {"template": "e-santunan", "region": "33.25"}, format="json").json()
    replication = Replication.objects.get(app__slug=APP)
    assert first["replication"] == replication.pk
    assert api.get(f"/api/v1/forks/{first['id']}/").json()["replication"] == replication.pk
    assert other["replication"] is None  # Batang's own app: no replication
    listed = api.get("/api/v1/forks/", {"replication": replication.pk}).json()
    assert [row["id"] for row in listed["results"]] == [first["id"]]
    for bad in ("0", "1.5", "x", str(2**63)):
        response = api.get("/api/v1/forks/", {"replication": bad})
        assert response.status_code == 400 and "replication" in response.json(), bad


def test_a_fork_keeps_the_adoptions_since_and_evidence_and_shows_on_the_timeline_as_a_link(
    client, library, developer
):
    """The demo's Batang adoption of Semarang's app: planned since September 2018, from the news."""
    before = Adoption.objects.get(app__slug=APP, region="33.25")
    assert before.since == datetime.date(2018, 9, 25) and "copy paste" in before.evidence_note
    copy = fork(developer)
    assert services.fork_run(fork_id=copy.pk) == "succeeded"
    adoption = Adoption.objects.get(pk=before.pk)
    assert adoption.since == before.since
    assert (adoption.evidence_note, adoption.evidence_url, adoption.source) == (
        before.evidence_note,
        before.evidence_url,
        before.source,
    )
    assert adoption.stage == "in_development" and adoption.verified
    first, event = adoption.events.all()
    assert (first.occurred_on, first.stage) == (before.since, "planned")
    assert event.occurred_on == timezone.localdate(copy.created_at)
    assert (event.stage, event.verified, event.recorded_by) == ("in_development", True, developer)
    assert event.link_url == "/templat/pengaduan/"  # the template's page: public, unlike the copy's own
    # In the site's language ("Salinan templat Pengaduan masyarakat v1 (2 Des 2026)").
    with translation.override("id"):
        day = date_format(event.occurred_on, "j M Y")
    assert event.link_label.endswith(f"Pengaduan masyarakat v{copy.version.number} ({day})")
    assert str(copy.pk) not in event.link_label + event.evidence_note

    cache.clear()
    html = client.get(f"/aplikasi/{APP}/").text
    assert f'<a href="/templat/pengaduan/">{event.link_label}</a>' in html
    assert "September 2018" in html and str(copy.pk) not in html


def test_the_replication_page_lists_its_copies_for_the_regions_members(client, library, developer):
    first = fork(developer)
    services.fork_run(fork_id=first.pk)
    second = fork(developer)
    url = first.replication.get_absolute_url()
    assert "Pengaduan masyarakat" not in client.get(url).text  # a region's copies are its own
    client.force_login(developer)
    html = client.get(url).text
    assert 'id="salinan"' in html
    assert html.count("Pengaduan masyarakat") == 2 and f"v{first.version.number}" in html
    for copy in (first, second):
        assert f'href="/salinan/{copy.pk}/"' in html
    assert html.count('class="badge status-active"') >= 1  # the rendered copy, succeeded
    client.force_login(member_of("64.74", "editor", "editor-bontang"))
    assert 'id="salinan"' not in client.get(url).text


def test_staffs_fork_shows_on_a_verified_adoptions_timeline_and_leaves_the_record(library):
    from catalog import services as catalog_services

    app = library["pengaduan"].app
    batang = factories.region("33.25")
    verified = catalog_services.adoption_record(
        app=app, region=batang, recorded_by=member_of("33.25", "editor", "editor-batang"), stage="live"
    )
    staff = factories.StaffFactory(username="staff")
    copy = fork(staff)
    assert services.fork_run(fork_id=copy.pk) == "succeeded"
    adoption = Adoption.objects.get(pk=verified.pk)
    assert (adoption.stage, adoption.verified, adoption.since) == ("live", True, datetime.date(2018, 9, 25))
    event = adoption.events.get(link_url="/templat/pengaduan/")
    assert (event.stage, event.verified, event.recorded_by) == ("live", False, staff)
    assert event.link_url == "/templat/pengaduan/" and event.occurred_on == timezone.localdate(
        copy.created_at
    )
