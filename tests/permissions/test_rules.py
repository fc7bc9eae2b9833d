"""Permission rules beyond the table (tests/permissions/test_table.py): what an allowed write records,
and the rules of registry/permissions.py themselves."""

import shutil

import pytest
from django.core.cache import cache
from rest_framework.throttling import ScopedRateThrottle

from catalog.models import Adoption
from registry.models import MoU
from templates_repo import services as template_services
from tests import factories
from tests.conftest import member_of

from .cases import HOME, OTHER, THIRD, import_publiccode, pengaduan_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def pengaduan(regions, media_root, tmp_path):
    pengaduan_template(tmp_path)


def test_import_records_used_by_only_for_regions_the_user_may_record_for(api, regions):
    user = member_of(HOME, "editor", username="editor-batang")
    factories.MembershipFactory(user=user, region=factories.region(OTHER), role="developer")
    api.force_authenticate(user)
    response = import_publiccode(api)
    assert response.status_code == 201, response.json()
    assert list(Adoption.objects.values_list("region_id", "verified")) == [(OTHER, False)]
    skipped = [note for note in response.json()["notes"] if "Kota Semarang" in note]
    assert skipped and "Kota Bontang" not in skipped[0]


def test_mou_created_with_a_source_by_an_editor_is_400_and_nothing_saved(api, regions):
    api.force_authenticate(member_of(HOME, "editor"))
    payload = {
        "title": "Kerja sama",
        "signed_on": "2025-01-10",
        "starts_on": "2025-01-10",
        "scope": "Replikasi.",
        "source": "https://berita.example.test/2",
        "parties": [
            {"region": HOME, "signatory_name": "A", "signatory_title": "Bupati Batang"},
            {"region": THIRD, "signatory_name": "B", "signatory_title": "Wali Kota Semarang"},
        ],
    }
    response = api.post("/api/v1/mous/", payload, format="json")
    assert response.status_code == 400 and "source" in response.json()
    assert MoU.objects.count() == 0
    # Sending back the source the MoU already has is no change, and is accepted.
    assert api.post("/api/v1/mous/", {**payload, "source": ""}, format="json").status_code == 201


def test_preview_is_throttled_per_user(api, pengaduan, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"preview": "2/minute"})
    cache.clear()
    api.force_authenticate(member_of(HOME, "developer"))
    body = {"region": HOME, "version": 999}  # refused after the checks: the throttle counts, nothing renders
    statuses = [
        api.post("/api/v1/templates/pengaduan/preview/", body, format="json").status_code for _ in range(3)
    ]
    assert statuses == [400, 400, 429]
    # Another user has a budget of their own.
    api.force_authenticate(member_of(HOME, "editor"))
    assert api.post("/api/v1/templates/pengaduan/preview/", body, format="json").status_code == 400


def test_visit_recorded_with_a_source_by_an_editor_is_400(api, regions):
    from registry.models import StudyVisit

    api.force_authenticate(member_of(HOME, "editor"))
    payload = {
        "kind": "study_visit",
        "visiting_region": HOME,
        "host_regions": [THIRD],
        "visited_on": "2025-02-01",
        "purpose": "Belajar pengaduan.",
        "source": "https://berita.example.test/4",
    }
    response = api.post("/api/v1/visits/", payload, format="json")
    assert response.status_code == 400 and "source" in response.json()
    assert StudyVisit.objects.count() == 0


def test_unverified_sources_never_downgrade_a_verified_adoption(regions):
    """Imports, demo data and a staff member's fork record through adoption_record_unverified."""
    from catalog import services as catalog_services

    app = factories.AppFactory(slug="lapor", owner_region=factories.region(THIRD))
    verified = factories.AdoptionFactory(app=app, region=factories.region(HOME), stage="live", verified=True)
    kept = catalog_services.adoption_record_unverified(
        app=app, region=factories.region(HOME), stage="planned"
    )
    assert kept.pk == verified.pk
    assert Adoption.objects.get().stage == "live" and Adoption.objects.get().verified is True


def test_staff_fork_keeps_the_regions_verified_adoption(api, regions, media_root, tmp_path):
    from catalog.models import Adoption as AppAdoption
    from templates_repo.models import Template

    pengaduan_app = factories.AppFactory(
        slug="program-pelaporan-kota-semarang", owner_region=factories.region(THIRD)
    )
    base = tmp_path / "cookiecutters"
    shutil.copytree(template_services.COOKIECUTTERS_DIR / "pengaduan", base / "pengaduan")
    template_services.template_sync(base_dir=base)
    assert Template.objects.get(slug="pengaduan").app == pengaduan_app
    factories.AdoptionFactory(app=pengaduan_app, region=factories.region(HOME), stage="live", verified=True)
    fork, _created = template_services.fork_request(
        user=factories.StaffFactory(username="staff"), template_slug="pengaduan", region_code=HOME, context={}
    )
    assert template_services.fork_run(fork_id=fork.pk) == "succeeded"
    template_services.fork_record_in_catalog(fork_id=fork.pk)
    adoption = AppAdoption.objects.get()
    assert (adoption.stage, adoption.verified) == ("live", True)
