"""The region's workspace ("Wilayah saya"): where sign-in lands, who may open it, what waits for the
region (requests, questions, action items, adoptions to confirm, MoUs ending) and what it has
(replications with their next session, every copy by page, its apps), in a constant number of queries."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Adoption, AdoptionEvent
from templates_repo import services as template_services
from templates_repo.models import Fork
from tests import factories
from tests.conftest import member_of
from tests.permissions.cases import pengaduan_template

pytestmark = pytest.mark.django_db

BATANG, SEMARANG, BONTANG = "33.25", "33.74", "64.74"
WORKSPACE = f"/wilayah-saya/{BATANG}/"


def test_sign_in_lands_on_the_members_region(client, regions):
    member_of(BATANG, "developer", username="dev")
    response = client.post("/masuk/", {"username": "dev", "password": "secret-pass-123"})
    assert response.status_code == 302 and response.url == "/wilayah-saya/"
    assert client.get("/wilayah-saya/").url == WORKSPACE


def test_a_member_of_two_regions_chooses(client, regions):
    user = member_of(BATANG, "editor", username="two")
    factories.MembershipFactory(user=user, region=factories.region(SEMARANG), role="viewer")
    client.force_login(user)
    page = client.get("/wilayah-saya/").content.decode()
    assert f'href="/wilayah-saya/{BATANG}/"' in page and f'href="/wilayah-saya/{SEMARANG}/"' in page


def test_a_user_of_no_region_is_told_so(client, regions):
    client.force_login(factories.UserFactory(username="lonely"))
    response = client.get("/wilayah-saya/")
    assert response.status_code == 200
    assert "belum mewakili wilayah mana pun" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("other", 403), ("viewer", 200), ("developer", 200), ("admin", 200), ("staff", 200)],
)
def test_who_may_open_a_regions_workspace(client, regions, who, status):
    if who == "staff":
        client.force_login(factories.StaffFactory())
    elif who == "other":
        client.force_login(member_of(BONTANG, "admin"))
    elif who != "anonymous":
        client.force_login(member_of(BATANG, who))
    response = client.get(WORKSPACE)
    assert response.status_code == status
    if who == "anonymous":
        assert response.url.startswith("/masuk/?next=")


def test_an_unknown_region_is_404(client, regions):
    client.force_login(factories.StaffFactory())
    assert client.get("/wilayah-saya/99.99/").status_code == 404


@pytest.fixture
def batang_work(regions):
    """Batang as penerima of Semarang's app (with a session ahead, an answered and an open question, its
    own action items) and as asal of its own app (a request waiting, a question to answer)."""
    today = timezone.localdate()
    semarang_app = factories.AppFactory(name="Lapor Semarang", owner_region=factories.region(SEMARANG))
    mentored = factories.ReplicationFactory(app=semarang_app, phase="rencana_pengembangan")
    factories.MentoringSessionFactory(
        replication=mentored,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        ends_at=timezone.now() + datetime.timedelta(days=3, hours=2),
        topic="Bimtek SLA",
    )
    factories.QuestionFactory(replication=mentored, title="Pertanyaan Batang")  # Semarang answers it
    factories.ActionItemFactory(replication=mentored, title="Siapkan server", side="penerima", due_on=today)
    factories.ActionItemFactory(
        replication=mentored, title="Terlambat", side="penerima", due_on=today - datetime.timedelta(days=2)
    )
    factories.ActionItemFactory(replication=mentored, title="Tugas Semarang", side="asal", due_on=today)
    factories.ActionItemFactory(
        replication=mentored, title="Nanti saja", side="penerima", due_on=today + datetime.timedelta(days=60)
    )
    own_app = factories.AppFactory(name="SiBatang", owner_region=factories.region(BATANG))
    asked = factories.ReplicationFactory(
        app=own_app, penerima=factories.region(BONTANG), request_state="pending"
    )
    factories.QuestionFactory(replication=asked, title="Pertanyaan Bontang")
    factories.MoUFactory(
        title="MoU yang segera berakhir",
        signed_on=today - datetime.timedelta(days=700),
        ends_on=today + datetime.timedelta(days=30),
    )
    factories.MoUFactory(
        title="MoU yang masih lama",
        signed_on=today - datetime.timedelta(days=700),
        ends_on=today + datetime.timedelta(days=200),
    )
    other = factories.AppFactory(name="E-Santunan Jateng", owner_region=factories.region("33"))
    factories.AdoptionFactory(app=other, region=factories.region(BATANG), verified=False, stage="planned")
    return mentored


def test_the_workspace_shows_what_waits_and_what_the_region_has(client, batang_work):
    client.force_login(member_of(BATANG, "developer"))
    page = client.get(WORKSPACE).content.decode()
    # Waiting: the request Bontang sent, the question Bontang asked (Batang is its asal), its own action
    # items due within two weeks (the overdue one marked; Semarang's and the later one not listed).
    assert "Lapor Semarang" in page and "SiBatang" in page
    assert "Pertanyaan Bontang" in page and "Pertanyaan Batang" not in page
    assert "Siapkan server" in page and "Terlambat" in page
    assert "Tugas Semarang" not in page and "Nanti saja" not in page
    assert 'class="overdue"' in page
    assert "MoU yang segera berakhir" in page and "MoU yang masih lama" not in page
    assert "E-Santunan Jateng" in page and "/adopsi/" in page  # a developer may confirm
    assert "Bimtek" not in page  # the topic is not shown, the next session's date is
    session_date = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%d").lstrip("0")
    assert f"{session_date} " in page


def test_a_viewer_sees_the_adoptions_to_confirm_without_the_button(client, batang_work):
    client.force_login(member_of(BATANG, "viewer"))
    page = client.get(WORKSPACE).content.decode()
    assert "E-Santunan Jateng" in page and "/adopsi/" not in page
    assert "/aplikasi-baru/" not in page


def test_confirming_an_adoption_makes_it_the_regions_word(client, batang_work):
    developer = member_of(BATANG, "developer")
    client.force_login(developer)
    adoption = Adoption.objects.get(verified=False)
    response = client.post(f"/wilayah-saya/{BATANG}/adopsi/{adoption.pk}/konfirmasi/")
    assert response.status_code == 302 and response.url == f"{WORKSPACE}#adopsi"
    adoption.refresh_from_db()
    assert (adoption.verified, adoption.recorded_by, adoption.stage) == (True, developer, "planned")
    event = AdoptionEvent.objects.get(adoption=adoption)
    assert (event.verified, event.recorded_by, event.stage) == (True, developer, "planned")
    # Again: nothing more happens.
    client.post(f"/wilayah-saya/{BATANG}/adopsi/{adoption.pk}/konfirmasi/")
    assert AdoptionEvent.objects.filter(adoption=adoption).count() == 1


def test_an_adoption_of_another_region_is_not_confirmed_through_this_one(client, batang_work):
    client.force_login(member_of(BATANG, "admin"))
    bontang = factories.AdoptionFactory(region=factories.region(BONTANG), verified=False)
    response = client.post(f"/wilayah-saya/{BATANG}/adopsi/{bontang.pk}/konfirmasi/")
    assert response.status_code == 404
    response = client.post(f"/wilayah-saya/{BONTANG}/adopsi/{bontang.pk}/konfirmasi/")
    assert response.status_code == 403
    bontang.refresh_from_db()
    assert not bontang.verified


def _forks(count: int, tmp_path) -> list[Fork]:
    """`count` copies of the pengaduan template for Batang: one requested, the others its clones."""
    if not (tmp_path / "cookiecutters").exists():
        pengaduan_template(tmp_path)
    fork, _created = template_services.fork_request(
        user=factories.StaffFactory(),
        template_slug="pengaduan",
        region_code=BATANG,
        context={},
    )
    clones = []
    for n in range(count - 1):
        clone = Fork.objects.get(pk=fork.pk)
        clone.id, clone.idempotency_key = uuid.uuid4(), None
        clone.created_at = fork.created_at - datetime.timedelta(minutes=n + 1)
        clones.append(clone)
    Fork.objects.bulk_create(clones)
    return list(Fork.objects.order_by("-created_at"))


def test_every_copy_of_the_region_is_listed_by_page(client, regions, tmp_path):
    forks = _forks(25, tmp_path)
    client.force_login(member_of(BATANG, "viewer"))
    first = client.get(WORKSPACE).content.decode()
    assert "25 " in first and first.count("/salinan/") >= 20
    assert str(forks[0].pk) in first and str(forks[-1].pk) not in first
    second = client.get(f"{WORKSPACE}?salinan=2").content.decode()
    assert str(forks[-1].pk) in second and str(forks[0].pk) not in second
    assert client.get(f"{WORKSPACE}?salinan=x").status_code == 200  # a bad page shows the first


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(WORKSPACE).status_code == 200
    return len(ctx.captured_queries)


def test_the_workspace_reads_in_a_constant_number_of_queries(client, batang_work, tmp_path):
    client.force_login(member_of(BATANG, "admin"))
    _forks(1, tmp_path)
    few = _queries(client)
    for n in range(4):  # more of everything
        app = factories.AppFactory(owner_region=factories.region(SEMARANG))
        replication = factories.ReplicationFactory(app=app)
        factories.MentoringSessionFactory(
            replication=replication,
            starts_at=timezone.now() + datetime.timedelta(days=n + 1),
            ends_at=timezone.now() + datetime.timedelta(days=n + 1, hours=1),
        )
        factories.ActionItemFactory(replication=replication, due_on=timezone.localdate())
        own = factories.AppFactory(owner_region=factories.region(BATANG))
        factories.QuestionFactory(
            replication=factories.ReplicationFactory(app=own, penerima=factories.region(BONTANG))
        )
        factories.AdoptionFactory(region=factories.region(BATANG), verified=False)
        factories.MoUFactory(ends_on=timezone.localdate() + datetime.timedelta(days=10 + n))
    _forks(5, tmp_path)
    assert _queries(client) == few


def test_refusals_and_missing_pages_are_site_pages(client, regions):
    client.force_login(member_of(BONTANG, "admin"))
    refused = client.get(WORKSPACE)
    assert refused.status_code == 403
    assert 'class="site-header"' in refused.content.decode()
    assert "/wilayah-saya/" in refused.content.decode()  # the way to one's own workspace
    missing = client.get("/tidak-ada-apa-apa/")
    assert missing.status_code == 404 and 'class="site-header"' in missing.content.decode()
