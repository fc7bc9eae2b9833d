"""The fleet of a template's copies (selectors.fleet, the page /templat/<slug>/salinan/, the API
/api/v1/templates/{slug}/fleet/) by who asks, its filters, its number of queries; and the e-mail to the
regions whose copies are behind when template_sync records a new version, sent once."""

import shutil
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.permissions import may_see_fleet
from replication.choices import NoticeKind
from replication.models import Notice
from templates_repo import selectors, services, tasks
from templates_repo.choices import ForkStatus
from templates_repo.models import Fork, Template, TemplateUpdate
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

SEMARANG, BATANG, DEMAK, KENDAL, BONTANG, SURABAYA = "33.74", "33.25", "33.21", "33.24", "64.74", "35.78"
FLEET = "/api/v1/templates/pengaduan/fleet/"
PAGE = "/templat/pengaduan/salinan/"


@pytest.fixture
def library(regions, media_root):
    services.template_sync()
    return {template.slug: template for template in Template.objects.all()}


@pytest.fixture
def pengaduan(library):
    """Semarang's complaint template (mentor region 33.74), at version 2 or later."""
    template = library["pengaduan"]
    assert template.mentor_region_id == SEMARANG
    assert template.versions.count() >= 2
    return template


def newest(template) -> int:
    return template.versions.order_by("-number").values_list("number", flat=True)[0]


def make_copy(
    template, code: str, number: int = 1, *, current: int | None = None, status=ForkStatus.SUCCEEDED
):
    """A copy made directly in the database (the render is tested elsewhere)."""
    requester = factories.UserFactory()
    return Fork.objects.create(
        template=template,
        version=template.versions.get(number=number),
        current_version=template.versions.get(number=current) if current else None,
        region=factories.region(code),
        requested_by=requester,
        status=status,
    )


@pytest.fixture
def fleet_copies(pengaduan):
    """Batang at v1 (behind), Demak made at v1 and updated to the newest, Bontang at the newest; a failed
    fork of Kendal, which is no copy."""
    top = newest(pengaduan)
    return {
        BATANG: make_copy(pengaduan, BATANG, 1),
        DEMAK: make_copy(pengaduan, DEMAK, 1, current=top),
        BONTANG: make_copy(pengaduan, BONTANG, top),
        KENDAL: make_copy(pengaduan, KENDAL, 1, status=ForkStatus.FAILED),
    }


USERS = {
    "anonymous": lambda: None,
    "other region": lambda: member_of(SURABAYA, "admin", "surabaya-admin"),
    "own region": lambda: member_of(BATANG, "viewer", "batang-viewer"),
    "mentor region": lambda: member_of(SEMARANG, "viewer", "semarang-viewer"),
    "staff": lambda: factories.StaffFactory(username="staff"),
}
SEES = {
    "anonymous": set(),
    "other region": set(),
    "own region": {BATANG},
    "mentor region": {BATANG, DEMAK, BONTANG},
    "staff": {BATANG, DEMAK, BONTANG},
}


# The selector ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", list(USERS))
def test_the_fleet_shows_each_user_the_copies_they_may_see(pengaduan, fleet_copies, who):
    user = USERS[who]() or AnonymousUser()
    copies = selectors.fleet(pengaduan, user=user)
    assert {copy.region_id for copy in copies} == SEES[who]
    assert may_see_fleet(user, SEMARANG) == (who in ("mentor region", "staff"))
    # Only a region's own copy opens (its page is its region's).
    opens = SEES[who] if who == "staff" else {BATANG} if who == "own region" else set()
    assert {copy.region_id for copy in copies if copy.may_open} == opens


def test_the_fleet_says_where_each_copy_is_and_how_far_behind(pengaduan, fleet_copies, staff):
    top = newest(pengaduan)
    TemplateUpdate.objects.create(
        fork=fleet_copies[BATANG],
        from_version=pengaduan.versions.get(number=1),
        to_version=pengaduan.versions.get(number=top),
        requested_by=staff,
    )
    rows = {copy.region_id: copy for copy in selectors.fleet(pengaduan, user=staff)}
    assert (rows[BATANG].at_number, rows[BATANG].behind_by) == (1, top - 1)
    assert (rows[DEMAK].at_number, rows[DEMAK].behind_by) == (top, 0)
    assert (rows[BONTANG].at_number, rows[BONTANG].behind_by) == (top, 0)
    assert rows[BATANG].last_update_at is not None and rows[DEMAK].last_update_at is None
    assert next(iter(rows)) == BATANG  # the most behind first

    assert {c.region_id for c in selectors.fleet(pengaduan, user=staff, behind_only=True)} == {BATANG}
    assert {c.region_id for c in selectors.fleet(pengaduan, user=staff, province="33")} == {BATANG, DEMAK}
    assert {c.region_id for c in selectors.fleet(pengaduan, user=staff, province="64")} == {BONTANG}


def test_the_summary_counts_copies_per_version_and_names_no_region(pengaduan, fleet_copies):
    top = newest(pengaduan)
    summary = selectors.fleet_summary(pengaduan)
    assert summary.newest == top and summary.total == 3 and summary.behind == 1
    counts = {row.number: row.copies for row in summary.versions}
    assert counts[1] == 1 and counts[top] == 2 and sum(counts.values()) == 3
    assert [row.number for row in summary.versions] == list(range(top, 0, -1))


# The API -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", list(USERS))
def test_the_api_gives_the_summary_to_all_and_the_copies_by_role(api, pengaduan, fleet_copies, who):
    user = USERS[who]()
    if user is not None:
        api.force_authenticate(user)
    response = api.get(FLEET)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["template"] == "pengaduan" and body["summary"]["total"] == 3
    assert body["sees_all"] == (who in ("mentor region", "staff"))
    assert {copy["region"] for copy in body["copies"]} == SEES[who]
    assert "region" not in str(body["summary"])  # numbers only
    for copy in body["copies"]:
        assert (copy["url"] is not None) == (who in ("staff", "own region"))


def test_the_api_filters_and_refuses_bad_filters(api, pengaduan, fleet_copies, staff):
    api.force_authenticate(staff)
    regions = lambda **params: {c["region"] for c in api.get(FLEET, params).json()["copies"]}  # noqa: E731
    assert regions(behind="true") == {BATANG}
    assert regions(behind="false") == {DEMAK, BONTANG}
    assert regions(province="33", behind="false") == {DEMAK}
    assert regions(province="", behind="") == {BATANG, DEMAK, BONTANG}
    refused = api.get(FLEET, {"province": "99", "behind": "maybe"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert set(refused.json()) == {"province", "behind"}
    assert refused.json()["behind"] == ["Use true or false."]
    assert api.get(FLEET, {"province": "33.25"}).status_code == 400  # a regency is no province
    assert api.get("/api/v1/templates/tidak-ada/fleet/").status_code == 404


def test_a_copys_replication_is_in_the_api(api, pengaduan, fleet_copies, staff):
    replication = factories.ReplicationFactory(penerima=factories.region(BATANG))
    Fork.objects.filter(pk=fleet_copies[BATANG].pk).update(replication=replication)
    api.force_authenticate(staff)
    copies = {c["region"]: c for c in api.get(FLEET).json()["copies"]}
    assert copies[BATANG]["replication"]["id"] == replication.pk
    assert copies[BATANG]["replication"]["url"].endswith(f"/api/v1/replications/{replication.pk}/")
    assert copies[DEMAK]["replication"] is None


def _copies_in(pengaduan, codes, requester):
    for code in codes:
        copy = make_copy(pengaduan, code, 1)
        copy.replication = factories.ReplicationFactory(penerima=factories.region(code))
        copy.save()
        TemplateUpdate.objects.create(
            fork=copy,
            from_version=copy.version,
            to_version=pengaduan.versions.order_by("-number")[0],
            requested_by=requester,
        )


@pytest.mark.parametrize("who", ["staff", "mentor region", "own region"])
def test_the_api_and_the_page_need_as_many_queries_for_one_copy_as_for_five(api, client, pengaduan, who):
    user = USERS[who]()
    api.force_authenticate(user)
    client.force_login(user)
    counts = []
    for codes in ([BATANG], [DEMAK, KENDAL, BONTANG, SURABAYA]):
        _copies_in(pengaduan, codes, user)
        with CaptureQueriesContext(connection) as api_queries:
            response = api.get(FLEET, {"province": "", "behind": "true"})
        assert response.status_code == 200
        with CaptureQueriesContext(connection) as page_queries:
            page = client.get(PAGE, {"behind": "true"})
        assert page.status_code == 200
        counts.append((len(api_queries), len(page_queries), len(response.json()["copies"])))
    (api_one, page_one, listed_one), (api_five, page_five, listed_five) = counts
    assert listed_one == 1
    assert listed_five == (5 if who != "own region" else 1)
    assert api_one == api_five and page_one == page_five, counts


# The page ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", list(USERS))
def test_the_page_shows_the_summary_to_all_and_the_copies_by_role(client, pengaduan, fleet_copies, who):
    user = USERS[who]()
    if user is not None:
        client.force_login(user)
    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>3</strong> copies" in html and 'class="stats"' in html
    for code, copy in fleet_copies.items():
        shown = copy.region.name in html
        assert shown == (code in SEES[who]), (code, who)
    assert (fleet_copies[BATANG].get_absolute_url() in html) == (who in ("own region", "staff"))
    if user is None:
        assert "/masuk/" in html or "login" in html


def test_the_page_filters_like_the_api_and_a_bad_filter_is_a_400(client, pengaduan, fleet_copies, staff):
    client.force_login(staff)
    behind = client.get(PAGE, {"behind": "true", "province": "33"}).content.decode()
    assert fleet_copies[BATANG].region.name in behind and fleet_copies[DEMAK].region.name not in behind
    refused = client.get(PAGE, {"behind": "yes", "province": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "Use true or false." in refused.content.decode()
    assert fleet_copies[BATANG].region.name not in refused.content.decode()
    assert client.get("/templat/tidak-ada/salinan/").status_code == 404


def test_the_template_page_links_to_its_fleet(client, pengaduan):
    assert PAGE in client.get(pengaduan.get_absolute_url()).content.decode()


# The e-mail about a new version ------------------------------------------------------------------------


@pytest.fixture
def cookiecutters(tmp_path, regions, media_root):
    """The pengaduan template folder alone, in a folder of its own that a test can change."""
    base = tmp_path / "cookiecutters"
    shutil.copytree(services.COOKIECUTTERS_DIR / "pengaduan", base / "pengaduan")
    return base


def publish_next_version(base: Path, number: int) -> None:
    folder = base / "pengaduan"
    (folder / "{{cookiecutter.project_slug}}" / "CATATAN.md").write_text("Catatan baru.\n", encoding="utf-8")
    changelog = folder / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    heading = "# Catatan perubahan\n"
    section = f"\n## Versi {number} — 2026-12-20\n\n- **Catatan**: berkas CATATAN.md untuk tim daerah.\n"
    changelog.write_text(text.replace(heading, heading + section, 1), encoding="utf-8")


def test_a_new_version_emails_the_regions_behind_once(
    cookiecutters, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.LUMBUNG_SITE_URL = "https://lumbung.example"
    queued = []
    monkeypatch.setattr(
        services.fleet, "enqueue_on_commit", lambda task, *args: queued.append((task.task, args))
    )
    services.template_sync(base_dir=cookiecutters)
    template = Template.objects.get(slug="pengaduan")
    top = newest(template)
    behind = make_copy(template, BATANG, 1)
    make_copy(template, DEMAK, 1, status=ForkStatus.FAILED)
    people = {
        "batang-dev": member_of(BATANG, "developer", "batang-dev"),
        "batang-admin": member_of(BATANG, "admin", "batang-admin"),
        "batang-editor": member_of(BATANG, "editor", "batang-editor"),
        "bontang-dev": member_of(BONTANG, "developer", "bontang-dev"),
        "demak-dev": member_of(DEMAK, "developer", "demak-dev"),
    }
    queued.clear()

    publish_next_version(cookiecutters, top + 1)
    services.template_sync(base_dir=cookiecutters)
    services.template_sync(base_dir=cookiecutters)  # nothing new: nothing more queued
    new_version = template.versions.get(number=top + 1)
    assert queued == [(services.NEW_VERSION_TASK, (str(new_version.pk),))]
    current = make_copy(template, BONTANG, top + 1)  # at the new version before the task runs: not told

    sent = tasks.notify_new_version.apply(args=(str(new_version.pk),)).get()
    assert sent == 2, [m.to for m in mail.outbox]
    assert tasks.notify_new_version.apply(args=(str(new_version.pk),)).get() == 0  # never twice
    assert sorted(m.to[0] for m in mail.outbox) == [
        people["batang-admin"].email,
        people["batang-dev"].email,
    ]
    message = mail.outbox[0]
    assert template.name in message.subject and str(top + 1) in message.subject
    assert f"https://lumbung.example{behind.get_absolute_url()}" in message.body
    assert current.get_absolute_url() not in message.body
    assert "berkas CATATAN.md untuk tim daerah" in message.body  # the new version's changelog
    assert template.versions.get(number=top).changelog.splitlines()[0].strip() in message.body
    assert Notice.objects.filter(kind=NoticeKind.TEMPLATE_VERSION).count() == 2


def test_nothing_is_sent_when_every_copy_is_at_the_newest_version(pengaduan):
    top = pengaduan.versions.get(number=newest(pengaduan))
    make_copy(pengaduan, BONTANG, top.number)
    make_copy(pengaduan, DEMAK, 1, current=top.number)
    member_of(BONTANG, "developer", "bontang-dev")
    member_of(DEMAK, "admin", "demak-admin")
    assert services.fleet_notify_new_version(version_id=top.pk) == 0
    assert mail.outbox == []


def test_an_older_version_or_a_missing_one_sends_nothing(pengaduan):
    make_copy(pengaduan, BATANG, 1)
    member_of(BATANG, "developer", "batang-dev")
    assert services.fleet_notify_new_version(version_id=pengaduan.versions.get(number=1).pk) == 0
    assert services.fleet_notify_new_version(version_id=10**9) == 0
    assert mail.outbox == []


def test_one_email_per_person_names_all_their_copies_behind(pengaduan, settings):
    settings.LUMBUNG_SITE_URL = "https://lumbung.example"
    top = pengaduan.versions.get(number=newest(pengaduan))
    both = member_of(BATANG, "admin", "two-regions")
    factories.MembershipFactory(user=both, region=factories.region(DEMAK), role="developer")
    copies = [make_copy(pengaduan, BATANG, 1), make_copy(pengaduan, DEMAK, 1)]
    assert services.fleet_notify_new_version(version_id=top.pk) == 1
    (message,) = mail.outbox
    assert all(copy.get_absolute_url() in message.body for copy in copies)
    assert uuid.UUID(str(copies[0].pk))  # links are to the copies' own pages


def test_the_schema_documents_the_fleets_filters_and_its_400(api, regions):
    operation = api.get("/api/v1/schema/?format=json").json()["paths"][FLEET.replace("pengaduan", "{slug}")][
        "get"
    ]
    assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == {"province", "behind"}
    assert {"200", "400", "404"} <= set(operation["responses"])
