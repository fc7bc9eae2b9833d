import json
import shutil
import uuid
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from catalog.models import Adoption
from registry import permissions
from registry.models import Region
from templates_repo import rendering, selectors, services
from templates_repo.models import Fork, Template, TemplateVersion
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(regions, media_root, settings):
    call_command("load_demo")
    services.template_sync()
    return {template.slug: template for template in Template.objects.all()}


@pytest.fixture
def developer(regions):
    return member_of("33.25", "developer", "dev-batang")


def fork_body(**overrides):
    body = {"template": "pengaduan", "region": "33.25", "context": {"sla_hours": 24}}
    body.update(overrides)
    return body


def post_fork(api, user, body=None, key=None):
    api.force_authenticate(user)
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post("/api/v1/forks/", body or fork_body(), format="json", **headers)


# Template registry -------------------------------------------------------------------------------


def test_sync_registers_three_templates_linked_to_the_catalog(library):
    assert sorted(library) == ["e-santunan", "pengaduan", "perencanaan"]
    assert library["pengaduan"].app.slug == "program-pelaporan-kota-semarang"
    assert library["pengaduan"].app.has_template
    assert library["e-santunan"].mentor_region_id == "33.25"
    newest = {slug: template.versions.order_by("-number")[0].number for slug, template in library.items()}
    count = TemplateVersion.objects.count()
    # Idempotent: every published version and the folders are recorded already.
    assert services.template_sync() == [f"{slug} v{newest[slug]}" for slug in sorted(newest)]
    assert TemplateVersion.objects.count() == count == sum(newest.values())


def test_changed_files_make_a_new_version_and_old_versions_stay_renderable(regions, media_root, tmp_path):
    base = tmp_path / "cookiecutters"
    shutil.copytree(services.COOKIECUTTERS_DIR / "pengaduan", base / "pengaduan")
    services.template_sync(base_dir=base)
    readme = base / "pengaduan" / "{{cookiecutter.project_slug}}" / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nPerubahan kecil.\n", encoding="utf-8")
    template = Template.objects.get(slug="pengaduan")
    number = template.versions.order_by("-number").first().number + 1
    changelog = base / "pengaduan" / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text(encoding="utf-8").replace(
            "\n## ", f"\n## Versi {number} — 2026-12-03\n\n- Perubahan kecil.\n\n## ", 1
        ),
        encoding="utf-8",
    )
    assert services.template_sync(base_dir=base) == [f"pengaduan v{number} (new)"]
    old, new = template.versions.order_by("number")[number - 2 :]
    assert old.content_hash != new.content_hash
    developer = member_of("33.25", "developer")
    fork, _ = services.fork_request(
        user=developer,
        template_slug="pengaduan",
        region_code="33.25",
        context={},
        version_number=old.number,
    )
    assert services.fork_run(fork_id=fork.pk) == "succeeded"
    with zipfile.ZipFile(Fork.objects.get().archive.path) as archive:
        text = archive.read("pengaduan_batang/README.md").decode()
    assert "Perubahan kecil." not in text


def test_template_api_lists_versions_and_parameter_schema(api, library):
    assert sorted(t["slug"] for t in api.get("/api/v1/templates/").json()) == [
        "e-santunan",
        "pengaduan",
        "perencanaan",
    ]
    body = api.get("/api/v1/templates/pengaduan/").json()
    assert body["mentor_region"] == "33.74" and body["app"] == "program-pelaporan-kota-semarang"
    parameters = {p["name"]: p for p in body["versions"][0]["parameters"]}
    assert parameters["sla_hours"]["type"] == "integer" and parameters["sla_hours"]["default"] == 72
    assert parameters["allow_anonymous_reports"]["type"] == "boolean"
    assert all(p["label"] for p in parameters.values())


def test_preview_returns_tree_and_readme_and_stores_nothing(api, library, developer, tmp_path):
    api.force_authenticate(developer)
    response = api.post(
        "/api/v1/templates/pengaduan/preview/",
        {"region": "33.25", "context": {"sla_hours": 24}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert "manage.py" in body["files"] and "Makefile" in body["files"]
    assert "Kabupaten Batang" in body["readme"]
    assert Fork.objects.count() == 0
    # The fork rule: not for a region the user may not fork for (tests/test_permissions.py has them all).
    other = {"region": "64.74", "context": {"sla_hours": 24}}
    assert api.post("/api/v1/templates/pengaduan/preview/", other, format="json").status_code == 403
    api.force_authenticate(None)
    assert api.post("/api/v1/templates/pengaduan/preview/", {}, format="json").status_code == 401


# Forks: the happy path ---------------------------------------------------------------------------


def test_developer_forks_and_gets_a_tested_project(api, library, developer):
    response = post_fork(api, developer)
    assert response.status_code == 202, response.json()
    fork_id = response.json()["id"]
    assert response["Location"] == f"/api/v1/forks/{fork_id}/"
    assert response.json()["status"] == "queued"
    assert services.fork_run(fork_id=fork_id) == "succeeded"

    body = api.get(f"/api/v1/forks/{fork_id}/").json()
    assert body["status"] == "succeeded" and body["progress"] == 100
    assert body["file_count"] > 40 and len(body["archive_sha256"]) == 64
    download = api.get(f"/api/v1/forks/{fork_id}/archive/")
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    assert len(data) == body["archive_size"]
    path = Path(Fork.objects.get().archive.path)
    rendering.check_archive(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        meta = json.loads(archive.read("pengaduan_batang/.lumbung.json"))
        region_module = archive.read("pengaduan_batang/config/region.py").decode()
    assert all(name.startswith("pengaduan_batang/") for name in names)
    assert meta["template"] == "pengaduan" and meta["version"] == Fork.objects.get().version.number
    assert meta["fork_id"] == fork_id
    assert meta["region"]["code"] == "33.25" and meta["mentor_region"]["code"] == "33.74"
    assert (
        meta["context"]["sla_hours"] == 24 and meta["content_hash"] == Fork.objects.get().version.content_hash
    )
    assert "Kabupaten Batang" in region_module and "24" in region_module

    adoption = Adoption.objects.get(app__slug="program-pelaporan-kota-semarang", region="33.25")
    assert adoption.verified and adoption.stage == "in_development"
    fork = Fork.objects.get()
    assert fork.mou is not None and fork.mou.title.startswith("MoU pengembangan smart city")
    assert fork.catalog_recorded_at >= fork.finished_at


def test_the_archive_says_where_it_came_from_as_it_was_when_requested(library, developer):
    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}
    )
    # The template changes hands between the request and the render: the copy's origin does not.
    Template.objects.filter(slug="pengaduan").update(mentor_region="33.25", app=None)
    assert services.fork_run(fork_id=fork.pk) == "succeeded"
    with zipfile.ZipFile(Fork.objects.get().archive.path) as archive:
        meta = json.loads(archive.read("pengaduan_batang/.lumbung.json"))
    assert meta["mentor_region"] == {"code": "33.74", "name": "Kota Semarang"}
    assert meta["region"] == {"code": "33.25", "name": "Kabupaten Batang"}
    assert meta["app"] == "program-pelaporan-kota-semarang"
    assert meta["created_at"] == fork.created_at.isoformat()


def test_agencies_come_from_the_region_when_the_registry_knows_enough_of_them(library, developer, client):
    template_default = library["pengaduan"].versions.order_by("-number")[0].parameters
    suggestion = next(p["default"] for p in template_default if p["name"] == "agencies")
    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}
    )
    # Batang: the registry knows only Dinas Sosial (from the news), so every report would go there: the
    # template's list is used instead, and the form says it is a suggestion to change.
    assert fork.context["agencies"] == suggestion != "Dinas Sosial"
    assert fork.context["project_slug"] == "pengaduan_batang"
    assert fork.context["mentor_region_name"] == "Kota Semarang"
    client.force_login(developer)
    assert (
        "A suggestion from the template" in client.get("/templat/pengaduan/", HTTP_ACCEPT_LANGUAGE="en").text
    )
    for name in ("Dinas Kesehatan", "Bappeda", "Dinas Pekerjaan Umum dan Penataan Ruang"):
        factories.AgencyFactory(region=factories.region("33.25"), name=name)
    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}
    )
    assert fork.context["agencies"].split(";") == sorted(
        ["Bappeda", "Dinas Kesehatan", "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas Sosial"]
    )


# Who may -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "staff", "allowed"),
    [("developer", False, True), ("editor", False, True), ("admin", False, True), ("viewer", False, False),
     (None, False, False), (None, True, True)],
)  # fmt: skip
def test_the_fork_request_and_the_pages_agree_on_who_may_fork(regions, role, staff, allowed):
    if role:
        user = member_of("33.25", role)
    else:
        user = factories.UserFactory(is_staff=staff)
        factories.MembershipFactory(user=user, region=factories.region("33.74"), role="developer")
    region = selectors.fork_region_get(code="33.25", user=user)
    assert region.user_may_fork is allowed
    assert permissions.may(user, permissions.Action.ADOPT, ["33.25"]) is allowed
    # The form's region choices.
    assert Region.objects.restrict(user, permissions.Action.ADOPT).filter(code="33.25").exists() is allowed
    assert region.province.code == "33"


def test_anonymous_is_401_and_non_members_403(api, library):
    assert api.post("/api/v1/forks/", fork_body(), format="json").status_code == 401
    assert post_fork(api, member_of("33.25", "viewer")).status_code == 403
    assert post_fork(api, member_of("64.74", "developer")).status_code == 403
    assert Fork.objects.count() == 0
    assert post_fork(api, factories.StaffFactory(username="root")).status_code == 202


def test_users_see_only_their_regions_forks(api, library, developer):
    mine = post_fork(api, developer).json()["id"]
    other = member_of("64.74", "developer")
    theirs = post_fork(api, other, fork_body(region="64.74")).json()["id"]
    api.force_authenticate(developer)
    assert [f["id"] for f in api.get("/api/v1/forks/").json()["results"]] == [mine]
    assert api.get(f"/api/v1/forks/{theirs}/").status_code == 404
    assert api.get(f"/api/v1/forks/{theirs}/archive/").status_code == 404
    assert api.post(f"/api/v1/forks/{theirs}/cancel/").status_code == 404
    api.force_authenticate(None)
    assert api.get(f"/api/v1/forks/{mine}/").status_code == 401


def test_cancel_and_retry_need_the_fork_rule_for_the_forks_region(api, library, developer):
    fork_id = post_fork(api, developer).json()["id"]
    viewer = member_of("33.25", "viewer")  # sees the region's forks, may not change them
    api.force_authenticate(viewer)
    assert api.get(f"/api/v1/forks/{fork_id}/").status_code == 200
    for verb in ("cancel", "retry"):
        response = api.post(f"/api/v1/forks/{fork_id}/{verb}/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 403
        assert response.json()["detail"] == (
            "Only the region's developers, editors and administrators can change its forks."
        )
    api.force_authenticate(None)
    assert api.post(f"/api/v1/forks/{fork_id}/cancel/").status_code == 401
    assert Fork.objects.get(pk=fork_id).status == "queued"


def test_preview_of_an_unknown_template_is_404(api, library, developer):
    api.force_authenticate(developer)
    assert api.post("/api/v1/templates/nope/preview/", {}, format="json").status_code == 404


# Idempotency --------------------------------------------------------------------------------------


def test_same_idempotency_key_and_body_return_the_same_fork(api, library, developer):
    first = post_fork(api, developer, key="abc-1")
    second = post_fork(api, developer, key="abc-1")
    assert first.status_code == 202 and second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    assert Fork.objects.count() == 1


@pytest.mark.parametrize(
    "in_transaction",
    [
        pytest.param(True, id="in-a-transaction"),
        pytest.param(False, marks=pytest.mark.django_db(transaction=True)),
    ],
)
def test_a_concurrent_request_with_the_same_key_returns_the_first_fork(
    library, developer, monkeypatch, in_transaction
):
    """The key's check and the INSERT are not one statement: the request that loses the race on the key's
    unique constraint returns the winner's fork, whether it ran in autocommit (one INSERT, no transaction)
    or inside a caller's transaction (a savepoint, which keeps that transaction usable)."""
    first, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}
    )
    original = selectors.fork_version_get

    def winner_first(**kwargs):  # the other request's INSERT lands between the check and this one's
        Fork.objects.filter(pk=first.pk).update(idempotency_key="k-1")
        return original(**kwargs)

    monkeypatch.setattr(selectors, "fork_version_get", winner_first)
    fork, created = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}, idempotency_key="k-1"
    )
    assert fork.pk == first.pk and not created
    assert Fork.objects.count() == 1


def test_same_idempotency_key_with_another_body_is_409(api, library, developer):
    post_fork(api, developer, key="abc-2")
    response = post_fork(api, developer, fork_body(context={"sla_hours": 48}), key="abc-2")
    assert response.status_code == 409
    assert Fork.objects.count() == 1


# Hostile input ------------------------------------------------------------------------------------

HOSTILE = [
    ({"escalation_officer": "{{ cycler.__init__.__globals__.os.system('id') }}"}, "escalation_officer"),
    ({"escalation_officer": "{% raw %}x{% endraw %}{{ 7*7 }}"}, "escalation_officer"),
    ({"escalation_officer": "{# comment #}"}, "escalation_officer"),
    ({"escalation_officer": "line\nbreak"}, "escalation_officer"),
    ({"escalation_officer": "nul\x00byte"}, "escalation_officer"),
    ({"escalation_officer": "x" * 5000}, "escalation_officer"),
    ({"project_slug": "../../x"}, "project_slug"),
    ({"project_slug": "/etc/cron.d/x"}, "project_slug"),
    ({"project_name": "{{ self.__init__.__globals__ }}"}, "project_name"),
    ({"primary_color": "red; background: url(x)"}, "primary_color"),
    ({"sla_hours": "abc"}, "sla_hours"),
    ({"sla_hours": 1.5}, "sla_hours"),
    ({"sla_hours": [72]}, "sla_hours"),
    ({"allow_anonymous_reports": {"a": 1}}, "allow_anonymous_reports"),
    ({"surprise": "x"}, "surprise"),
    ({"region_code": "33.74"}, "region_code"),
    ({"region_name": "Kota Semarang"}, "region_name"),
    ({"mentor_region_name": "Kota Surabaya"}, "mentor_region_name"),
]


@pytest.mark.parametrize(("context", "field"), HOSTILE, ids=[field for _c, field in HOSTILE])
def test_hostile_context_is_400_with_nothing_queued(api, library, developer, context, field, tmp_path):
    response = post_fork(api, developer, fork_body(context=context))
    assert response.status_code == 400, response.json()
    assert field in response.json()["context"]
    assert Fork.objects.count() == 0


def test_choice_outside_its_list_is_400(api, library, developer):
    body = fork_body(template="perencanaan", context={"rounds": "semua-tingkat"})
    response = post_fork(api, developer, body)
    assert response.status_code == 400 and "rounds" in response.json()["context"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (fork_body(template="nope"), "template"),
        (fork_body(region="99.99"), "region"),
        (fork_body(version=9), "version"),
        (fork_body(context=["not", "a", "mapping"]), "context"),
    ],
)
def test_bad_request_fields_are_400(api, library, developer, body, field):
    response = post_fork(api, developer, body)
    assert response.status_code == 400
    assert field in response.json()


# Limits, double delivery, cancel, retry, sweeper ---------------------------------------------------


def test_over_the_file_limit_fails_with_a_reason(library, developer, settings):
    settings.LUMBUNG_FORK_MAX_FILES = 5
    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}
    )
    with translation.override("en"):
        assert services.fork_run(fork_id=fork.pk) == "failed"
    fork.refresh_from_db()
    assert fork.status == "failed" and "more than 5 files" in fork.error
    assert not fork.archive
    assert not Adoption.objects.filter(region="33.25", stage="in_development").exists()


def test_second_delivery_does_nothing(library, developer):
    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}
    )
    assert services.fork_run(fork_id=fork.pk) == "succeeded"
    archive = Fork.objects.get().archive.name
    assert services.fork_run(fork_id=fork.pk) == "skipped"
    fork.refresh_from_db()
    assert fork.archive.name == archive and fork.attempts == 1


def test_concurrent_claims_let_one_delivery_render(library, developer, settings):
    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}
    )
    # Two deliveries read the queued fork at once; the claim is a compare-and-set on what they read.
    first, second = Fork.objects.get(pk=fork.pk), Fork.objects.get(pk=fork.pk)
    assert services.runs._claim(first) is True
    assert services.runs._claim(second) is False
    # The lease of the first delivery holds.
    assert services.runs._claim(Fork.objects.get(pk=fork.pk)) is False
    # A third delivery waits for the holder's lease (the task retries then) instead of rendering too.
    with pytest.raises(services.ForkHeld) as held:
        services.fork_run(fork_id=fork.pk)
    assert 0 < held.value.retry_in <= settings.LUMBUNG_FORK_LEASE_SECONDS + 1
    fork.refresh_from_db()
    assert fork.status == "running" and fork.attempts == 1 and fork.progress == 30


def test_the_claim_takes_a_queued_fork_or_a_lapsed_lease_and_returns_what_the_worker_renders(
    library, developer
):
    """`runs._claim_fork` (one UPDATE ... RETURNING on PostgreSQL, a read and a compare-and-set elsewhere):
    the same outcomes on both."""
    import datetime

    from django.utils import timezone

    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}
    )
    with translation.override("en"):
        claimed, ok = services.runs._claim_fork(fork.pk)
    assert ok and claimed.status == "running" and claimed.attempts == 1 and claimed.progress == 30
    assert claimed.template.slug == "pengaduan" and claimed.version == fork.version
    assert claimed.version.content_hash == fork.version.content_hash and claimed.context == fork.context
    assert claimed.log[-1].endswith(f"Rendering template pengaduan v{fork.version.number}.")
    assert Fork.objects.get(pk=fork.pk).log == claimed.log and len(claimed.log) == 2
    assert claimed.lease_expires_at > timezone.now() and claimed.manifest == fork.manifest
    # Held by that delivery: another finds the fork, but does not claim it.
    again, ok = services.runs._claim_fork(fork.pk)
    assert not ok and again.status == "running" and again.attempts == 1
    # The lease ran out: the next delivery takes it over.
    Fork.objects.filter(pk=fork.pk).update(lease_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    taken, ok = services.runs._claim_fork(fork.pk)
    assert ok and taken.attempts == 2 and len(taken.log) == 3
    Fork.objects.filter(pk=fork.pk).update(status="succeeded", lease_expires_at=None)
    assert services.runs._claim_fork(fork.pk)[1] is False
    assert services.runs._claim_fork(uuid.uuid4()) == (None, False)


@pytest.mark.django_db(transaction=True)  # the lease is renewed from another thread, on its own connection
def test_a_live_worker_keeps_its_lease_and_a_lost_lease_stops_the_render(library, developer, settings):
    import time

    from templates_repo import leases

    settings.LUMBUNG_FORK_LEASE_SECONDS = 1
    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}
    )
    assert services.runs._claim(Fork.objects.get(pk=fork.pk))
    with leases.LeaseKeeper(fork.pk, attempt=1) as lease:
        time.sleep(2.5)  # more than twice the lease: renewed, so no sweep may take the fork over
        assert services.fork_sweep() == 0
        assert not lease.is_lost()
        services.fork_cancel(fork=Fork.objects.get(pk=fork.pk))
        deadline = time.monotonic() + 5
        while not lease.is_lost() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert lease.is_lost()  # the next renewal found the fork gone: the render is told to stop
    limits = rendering.RenderLimits(should_stop=lease.is_lost)
    with pytest.raises(rendering.RenderCancelled):
        rendering.render_template(
            services.template_dir_of(fork.version), fork.context, settings.MEDIA_ROOT / "x", limits=limits
        )


def test_a_delivery_that_lost_its_claim_discards_its_archive(library, developer, media_root, tmp_path):
    """A worker whose lease ran out while it rendered, and whose fork another delivery took over, must not
    mark the fork done nor leave its archive behind."""
    import datetime

    from django.utils import timezone

    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}
    )
    slow = Fork.objects.get(pk=fork.pk)
    assert services.runs._claim(slow)
    Fork.objects.filter(pk=fork.pk).update(lease_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert services.fork_run(fork_id=fork.pk) == "succeeded"  # the second delivery takes over
    late = tmp_path / "late.zip"
    with zipfile.ZipFile(late, "w") as handle:
        handle.writestr("x.txt", "x")
    info = rendering.ArchiveInfo(size=late.stat().st_size, sha256="0" * 64, file_count=1)
    assert services.runs._finish_success(slow, late.read_bytes(), info, log=slow.log) == "discarded"
    fork.refresh_from_db()
    assert fork.status == "succeeded" and fork.attempts == 2 and fork.archive.name == f"forks/{fork.pk}-2.zip"
    assert [path.name for path in (Path(media_root) / "forks").iterdir()] == [f"{fork.pk}-2.zip"]


def test_the_catalog_record_follows_the_fork_and_the_sweeper_finishes_it(library, developer, monkeypatch):
    import datetime

    from django.utils import timezone

    # The worker dies here.
    monkeypatch.setattr(services.runs, "fork_record_in_catalog", lambda fork_id: False)
    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}
    )
    assert services.fork_run(fork_id=fork.pk) == "succeeded"
    monkeypatch.undo()
    fork.refresh_from_db()
    assert fork.status == "succeeded" and fork.catalog_recorded_at is None and fork.mou is None
    assert not Adoption.objects.filter(region="33.25", stage="in_development").exists()

    assert services.fork_sweep() == 0  # within the grace period the worker is still expected to do it
    assert services.fork_sweep(now=timezone.now() + datetime.timedelta(minutes=5)) == 1
    fork.refresh_from_db()
    assert fork.catalog_recorded_at is not None and fork.mou is not None
    adoption = Adoption.objects.get(app__slug="program-pelaporan-kota-semarang", region="33.25")
    assert adoption.verified and adoption.stage == "in_development"
    assert services.fork_record_in_catalog(fork_id=fork.pk) is False  # recorded once


def test_cancel_then_the_task_skips(api, library, developer):
    fork_id = post_fork(api, developer).json()["id"]
    assert api.post(f"/api/v1/forks/{fork_id}/cancel/").json()["status"] == "cancelled"
    assert services.fork_run(fork_id=fork_id) == "skipped"
    assert api.post(f"/api/v1/forks/{fork_id}/cancel/").status_code == 400


def test_retry_only_failed_forks(api, library, developer, settings):
    settings.LUMBUNG_FORK_MAX_FILES = 5
    fork_id = post_fork(api, developer).json()["id"]
    assert api.post(f"/api/v1/forks/{fork_id}/retry/").status_code == 400  # still queued
    services.fork_run(fork_id=fork_id)
    settings.LUMBUNG_FORK_MAX_FILES = 500
    response = api.post(f"/api/v1/forks/{fork_id}/retry/")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert services.fork_run(fork_id=fork_id) == "succeeded"


def test_sweeper_requeues_lost_forks(library, developer, monkeypatch):
    import datetime

    from django.utils import timezone

    queued = []
    monkeypatch.setattr(services.forks, "_enqueue_on_commit", queued.append)
    old = timezone.now() - datetime.timedelta(minutes=10)
    lost, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}
    )
    Fork.objects.filter(pk=lost.pk).update(queued_at=old)
    crashed, _ = services.fork_request(
        user=developer, template_slug="e-santunan", region_code="33.25", context={}
    )
    Fork.objects.filter(pk=crashed.pk).update(status="running", lease_expires_at=old)
    fresh, _ = services.fork_request(
        user=developer, template_slug="perencanaan", region_code="33.25", context={}
    )
    queued.clear()  # the requests' own queuing
    assert services.fork_sweep() == 2
    assert set(queued) == {lost.pk, crashed.pk}
    assert services.fork_run(fork_id=crashed.pk) == "succeeded"  # a lapsed lease can be taken over
    assert Fork.objects.get(pk=fresh.pk).status == "queued"


# Pages -------------------------------------------------------------------------------------------


def test_app_page_links_its_template_and_the_form_forks(client, library, developer):
    page = client.get("/aplikasi/program-pelaporan-kota-semarang/").text
    assert "/templat/pengaduan/" in page
    client.force_login(developer)
    form = client.get("/templat/pengaduan/")
    assert form.status_code == 200 and 'name="p_sla_hours"' in form.text
    # The renderer's limits, not the form's own: 200 characters of text, 2,000 for the agencies.
    assert 'maxlength="200"' in form.text and 'maxlength="2000"' in form.text
    # A boolean default in words, not Python's True (its type in words too: tests/templates_repo/
    # test_template_languages.py).
    assert '<td data-label="Bawaan">ya</td>' in form.text and "<td>boolean</td>" not in form.text
    response = client.post(
        "/templat/pengaduan/",
        {
            "region": "33.25",
            "p_sla_hours": "24",
            "p_project_name": "Lapor Batang",
            "p_project_slug": "lapor_batang",
            "p_primary_color": "#123456",
            "p_accent_color": "#654321",
            "p_agencies": "Dinas Sosial",
            "p_escalation_officer": "Sekda",
            "p_allow_anonymous_reports": "on",
            "p_photo_max_mb": "5",
        },
    )
    assert response.status_code == 302, response.content
    fork = Fork.objects.get()
    assert response["Location"] == f"/salinan/{fork.pk}/"
    assert fork.context["sla_hours"] == 24 and fork.context["project_slug"] == "lapor_batang"
    progress = client.get(response["Location"]).text
    assert 'http-equiv="refresh"' in progress  # refreshes while the worker renders
    services.fork_run(fork_id=fork.pk)
    done = client.get(response["Location"]).text
    assert f"/salinan/{fork.pk}/unduh/" in done
    assert client.get(f"/salinan/{fork.pk}/unduh/").status_code == 200


def test_form_shows_field_errors_for_hostile_values(client, library, developer):
    client.force_login(developer)
    response = client.post(
        "/templat/pengaduan/",
        {
            "region": "33.25",
            "p_sla_hours": "24",
            "p_escalation_officer": "{{ 7*7 }}",
            "p_project_slug": "../x",
        },
    )
    assert response.status_code == 400
    assert Fork.objects.count() == 0


def test_fork_list_filters(api, library, developer):
    first = post_fork(api, developer).json()["id"]
    post_fork(api, developer, fork_body(template="e-santunan", context={}))
    services.fork_cancel(fork=Fork.objects.get(pk=first))
    assert [f["id"] for f in api.get("/api/v1/forks/", {"status": "cancelled"}).json()["results"]] == [first]
    assert api.get("/api/v1/forks/", {"template": "e-santunan"}).json()["count"] == 1
    assert api.get("/api/v1/forks/", {"region": "33.25"}).json()["count"] == 2


# Query counts ------------------------------------------------------------------------------------


def test_fork_request_and_render_run_a_fixed_number_of_queries(
    api, library, developer, django_assert_num_queries, monkeypatch
):
    factories.AgencyFactory(region=factories.region("33.25"), name="Dinas Komunikasi dan Informatika")
    api.force_authenticate(developer)
    # A first fork, so that the one measured finds the region's replication of the app open (the first
    # fork opens one when there is none, once per app and region).
    assert api.post("/api/v1/forks/", fork_body(), format="json").status_code == 202
    # The region with the permission check, the version with its template, mentor, the app's owner and
    # the region's open replication of it, the agencies, the INSERT; no transaction (no savepoint under
    # the test's own), as the fork opens no replication; the response needs nothing more.
    with django_assert_num_queries(4):
        response = api.post("/api/v1/forks/", fork_body(), format="json")
    assert response.status_code == 202
    recorded = []
    monkeypatch.setattr(services.runs, "fork_record_in_catalog", lambda fork_id: recorded.append(fork_id))
    # The worker: the claim and the fork with everything it renders (one UPDATE ... RETURNING on
    # PostgreSQL; on SQLite the read, then the claim), the final update.
    from django.db import connection

    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 3):
        assert services.fork_run(fork_id=response.json()["id"]) == "succeeded"
    assert recorded == [Fork.objects.get(pk=response.json()["id"]).pk]


def test_the_migration_gives_existing_forks_their_manifest(library, developer):
    from importlib import import_module

    from django.apps import apps

    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}
    )
    expected = Fork.objects.get(pk=fork.pk).manifest
    Fork.objects.update(manifest={})  # as every fork was before the migration
    import_module("templates_repo.migrations.0003_fork_manifest").manifests_of_existing_forks(apps, None)
    # Forks made before copies got their tools and Lumbung's address have neither in their manifest.
    before_tools = {key: value for key, value in expected.items() if key not in ("lumbung_url", "tools")}
    assert Fork.objects.get(pk=fork.pk).manifest == before_tools
    assert expected["app"] == "program-pelaporan-kota-semarang" and expected["version"] == fork.version.number


def test_a_fork_links_the_mou_to_the_app_only_if_the_apps_owner_signed_it(library, developer):
    """The template's mentor (Semarang) signed the MoU with Batang; an app owned by another region is not
    covered by it, whatever the fork records for itself."""
    app = library["pengaduan"].app
    App = type(app)
    App.objects.filter(pk=app.pk).update(owner_region="64.74")
    app.mous.clear()  # the demo data links it to the Batang-Semarang MoU
    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}
    )
    assert services.fork_run(fork_id=fork.pk) == "succeeded"
    fork.refresh_from_db()
    assert fork.mou is not None  # the fork ran under the Batang-Semarang MoU
    assert not app.mous.filter(pk=fork.mou.pk).exists()


@pytest.mark.parametrize("number", [None, 1])
def test_the_forks_version_query_reads_what_the_orms_does(library, developer, number):
    """`selectors.fork_version_get` (SQL) reads the same version, template and mentor as
    `template_version_get`, with the app's owner and the region's open replication of the app."""
    from replication.models import Replication

    expected = selectors.template_version_get(template_slug="pengaduan", number=number)
    version = selectors.fork_version_get(template_slug="pengaduan", region_code="33.25", number=number)
    for got, want in [
        (version, expected),
        (version.template, expected.template),
        (version.template.mentor_region, expected.template.mentor_region),
    ]:
        fields = type(want)._meta.concrete_fields
        assert [getattr(got, f.attname) for f in fields] == [getattr(want, f.attname) for f in fields]
    app = expected.template.app
    assert version.app_slug == expected.app_slug and version.app_owner_id == app.owner_region_id
    open_one = Replication.objects.open().filter(app=app, penerima="33.25").first()
    assert version.open_replication_id == (open_one.pk if open_one else None)
    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}
    )
    again = selectors.fork_version_get(template_slug="pengaduan", region_code="33.25", number=number)
    assert fork.replication_id is not None and again.open_replication_id == fork.replication_id
    assert selectors.fork_version_get(template_slug="pengaduan", region_code="33.25", number=99) is None
    assert selectors.fork_version_get(template_slug="none", region_code="33.25") is None
