"""A copy's updates in the browser's pages: the copy's page says how far behind it is with the changelogs,
a developer prepares the update, its page lists the files with their diffs and offers the patch and the
commands; the region says it applied it. Others get 403 or 404."""

import pytest

from templates_repo import services
from templates_repo.models import Fork, TemplateUpdate
from templates_repo.templatetags.changelog import changelog
from tests.conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def copy_v1(regions, media_root):
    services.template_sync()
    developer = member_of("33.25", "developer", "dev-batang")
    fork, _ = services.fork_request(
        user=developer, template_slug="pengaduan", region_code="33.25", context={}, version_number=1
    )
    services.fork_run(fork_id=fork.pk)
    return Fork.objects.get(pk=fork.pk), developer


def test_a_developer_prepares_reads_and_applies_an_update(client, copy_v1):
    fork, developer = copy_v1
    newest = fork.template.versions.order_by("-number")[0]
    client.force_login(developer)
    page = client.get(fork.get_absolute_url()).content.decode()
    assert "tertinggal" in page and f"versi {newest.number}" in page.lower()
    assert str(changelog(newest.changelog)) in page  # the changelog, as HTML

    response = client.post(f"/salinan/{fork.pk}/perbarui/")
    update = TemplateUpdate.objects.get()
    assert response.status_code == 302 and response.url == f"/pembaruan/{update.pk}/"
    assert 'http-equiv="refresh"' in client.get(response.url).content.decode()  # queued: the page follows it
    services.update_run(update_id=update.pk)

    page = client.get(response.url).content.decode()
    assert "git apply --3way update.patch" in page and f"/pembaruan/{update.pk}/update.patch" in page
    assert '<span class="add">+' in page and "<code>Makefile</code>" in page
    patch = client.get(f"/pembaruan/{update.pk}/update.patch")
    assert patch.status_code == 200 and patch["Content-Type"] == "text/x-patch"
    assert b"".join(patch.streaming_content).startswith(b"From ")

    applied = client.post(f"/pembaruan/{update.pk}/diterapkan/")
    assert applied.status_code == 302
    fork.refresh_from_db()
    assert fork.current_version == newest
    assert "versi terbaru" in client.get(fork.get_absolute_url()).content.decode()


def test_a_viewer_reads_but_cannot_prepare(client, copy_v1):
    fork, _developer = copy_v1
    client.force_login(member_of("33.25", "viewer", "viewer-batang"))
    page = client.get(fork.get_absolute_url()).content.decode()
    assert "tertinggal" in page and "/perbarui/" not in page
    assert client.post(f"/salinan/{fork.pk}/perbarui/").status_code == 403
    assert not TemplateUpdate.objects.exists()


def test_another_region_sees_nothing(client, copy_v1):
    fork, developer = copy_v1
    update, _ = services.update_request(user=developer, fork=fork)
    client.force_login(member_of("64.74", "admin", "admin-bontang"))
    assert client.post(f"/salinan/{fork.pk}/perbarui/").status_code == 404
    assert client.get(f"/pembaruan/{update.pk}/").status_code == 404
    assert client.get(f"/pembaruan/{update.pk}/update.patch").status_code == 404
    assert client.post(f"/pembaruan/{update.pk}/diterapkan/").status_code == 404


def test_a_refused_update_is_a_400_page_with_the_reason(client, copy_v1):
    fork, developer = copy_v1
    Fork.objects.filter(pk=fork.pk).update(current_version=fork.template.versions.order_by("-number")[0])
    client.force_login(developer)
    response = client.post(f"/salinan/{fork.pk}/perbarui/")
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    assert not TemplateUpdate.objects.exists()
