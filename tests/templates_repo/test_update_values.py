"""Values for the parameters a newer version adds are checked as a fork's context is: a missing value
without a default, an unknown name, Jinja delimiters, control characters or a wrong type are 400s naming
the parameter, with nothing saved."""

import shutil

import pytest

from templates_repo import services
from templates_repo.models import Fork, TemplateUpdate
from tests.conftest import member_of
from tests.templates_repo.test_versions import make_template, write_changelog

pytestmark = pytest.mark.django_db


@pytest.fixture
def copy_and_developer(regions, media_root, tmp_path):
    """A copy of a small template at v1; v2 adds `officer` (no default) and `sla_hours` (default 72)."""
    base, releases = tmp_path / "cookiecutters", tmp_path / "releases"
    folder = make_template(base)
    services.template_sync(base_dir=base, releases_dir=releases)
    developer = member_of("33.25", "developer", "dev-batang")
    fork, _ = services.fork_request(user=developer, template_slug="contoh", region_code="33.25", context={})
    assert services.fork_run(fork_id=fork.pk) == "succeeded"
    make_template(base, parameters={"officer": "", "sla_hours": 72})
    project = folder / "{{cookiecutter.project_slug}}"
    (project / "petugas.txt").write_text("{{ cookiecutter.officer }} ({{ cookiecutter.sla_hours }} jam)\n")
    write_changelog(folder, (2, "Petugas dan SLA."), (1, "Versi pertama."))
    services.template_sync(base_dir=base, releases_dir=releases)
    shutil.rmtree(releases, ignore_errors=True)
    return Fork.objects.get(pk=fork.pk), developer


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({}, "officer"),
        ({"officer": "{{ 7*7 }}"}, "officer"),
        ({"officer": "Kabid\nAplikasi"}, "officer"),
        ({"officer": "Sekda", "sla_hours": "banyak"}, "sla_hours"),
        ({"officer": "Sekda", "region_name": "Kota Lain"}, "region_name"),
        ({"officer": "Sekda", "tidak_ada": 1}, "tidak_ada"),
    ],
)
def test_refused_values_are_400s_naming_the_parameter(api, copy_and_developer, values, field):
    fork, developer = copy_and_developer
    api.force_authenticate(developer)
    response = api.post(f"/api/v1/forks/{fork.pk}/updates/", {"values": values}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["values"], response.json()  # nested, as a fork's context errors are
    assert not TemplateUpdate.objects.exists()


def test_good_values_reach_the_new_version(api, copy_and_developer):
    fork, developer = copy_and_developer
    api.force_authenticate(developer)
    response = api.post(f"/api/v1/forks/{fork.pk}/updates/", {"values": {"officer": "Sekda"}}, format="json")
    assert response.status_code == 202, response.content
    update = TemplateUpdate.objects.get()
    assert (update.context["officer"], update.context["sla_hours"]) == ("Sekda", 72)
    assert services.update_run(update_id=update.pk) == "succeeded"
    update.refresh_from_db()
    assert b"+Sekda (72 jam)" in update.patch.read()
    assert {"path": "petugas.txt", "change": "added", "old_path": "", "binary": False} in update.files
