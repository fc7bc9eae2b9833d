"""Who may write what: every role against every write that acts on a region's behalf.

The home region (Kabupaten Batang) owns what is written: its app, its import, its own adoption record,
its preview, its MoU. "Other" is a member of Kota Bontang, a region with no part in any of it.
"""

import shutil

import pytest
import yaml
from django.core.cache import cache
from rest_framework.throttling import ScopedRateThrottle

from catalog.models import Adoption, App
from registry.models import MoU
from templates_repo import services as template_services
from templates_repo.models import Fork
from tests import factories
from tests.conftest import member_of

pytestmark = pytest.mark.django_db

HOME, OTHER, THIRD = "33.25", "64.74", "33.74"  # Batang, Bontang, Semarang
ROLES = ("viewer", "developer", "editor", "admin")
WHO = ("anonymous", *(f"other-{role}" for role in ROLES), *(f"home-{role}" for role in ROLES), "staff")


def expect(*, anonymous=401, other=403, viewer=403, developer=403, editor, admin=None, staff) -> dict:
    """Expected status per WHO; other-region members get `other` whatever their role."""
    admin = editor if admin is None else admin
    home = {"viewer": viewer, "developer": developer, "editor": editor, "admin": admin}
    table = {"anonymous": anonymous, "staff": staff}
    table.update({f"other-{role}": other for role in ROLES})
    table.update({f"home-{role}": home[role] for role in ROLES})
    return table


TABLE = {
    # An app may only be linked to MoUs its owner region is party to (staff included).
    "app-patch-foreign-mou": expect(editor=400, staff=400),
    "app-patch-own-mou": expect(editor=200, staff=200),
    # usedBy is recorded only for the regions the importing user may record adoptions for.
    "import-publiccode-used-by": expect(editor=201, staff=201),
    # A verified record is changed by the region's own members only, never downgraded by staff.
    "adoption-over-verified": expect(developer=201, editor=201, staff=403),
    # Preview follows the fork rule: the region's developers, editors and admins, or staff.
    "template-preview": expect(developer=200, editor=200, staff=200),
    # Where a record comes from is the curators' word.
    "mou-source": expect(editor=400, staff=200),
    "app-source": expect(editor=400, staff=200),
}
CASES = [(endpoint, who, status) for endpoint, row in TABLE.items() for who, status in row.items()]


def user_for(who: str):
    if who == "anonymous":
        return None
    if who == "staff":
        return factories.StaffFactory(username="staff")
    side, role = who.split("-")
    return member_of(HOME if side == "home" else OTHER, role, username=who)


@pytest.fixture
def pengaduan(regions, media_root, tmp_path):
    """Only the template the preview renders, registered without the demo catalog."""
    base = tmp_path / "cookiecutters"
    shutil.copytree(template_services.COOKIECUTTERS_DIR / "pengaduan", base / "pengaduan")
    template_services.template_sync(base_dir=base)


PUBLICCODE = {
    "publiccodeYmlVersion": "0.4",
    "name": "Laporan Warga Batang",
    "url": "https://git.example.test/batang/laporan",
    "platforms": ["web"],
    "categories": ["feedback-and-reviews-management"],
    "usedBy": ["Kota Bontang", "Kota Semarang"],
    "developmentStatus": "stable",
    "softwareType": "standalone/web",
    "description": {
        "id": {"shortDescription": "Laporan warga.", "longDescription": "x" * 200, "features": ["Lapor"]}
    },
    "legal": {"license": "EUPL-1.2"},
    "maintenance": {"type": "community"},
    "localisation": {"localisationReady": False, "availableLanguages": ["id"]},
    "x-lumbung": {"dimension": "governance", "spbeType": "umum"},
}


def import_publiccode(api, used_by=("Kota Bontang", "Kota Semarang")):
    text = yaml.safe_dump({**PUBLICCODE, "usedBy": list(used_by)})
    return api.post("/api/v1/apps/import-publiccode/", {"region": HOME, "text": text}, format="json")


# Each endpoint: arrange, act, and check what is saved for the status the table expects.


def app_patch_mou(api, who, status, party_codes):
    app = factories.AppFactory(slug="mine", owner_region=factories.region(HOME))
    mou = factories.MoUFactory(party_codes=party_codes)
    response = api.patch("/api/v1/apps/mine/", {"mous": [mou.pk]}, format="json")
    linked = list(app.mous.values_list("pk", flat=True))
    assert linked == ([mou.pk] if status == 200 else [])
    if status == 400:
        assert "mous" in response.json()
    return response


def import_used_by(api, who, status):
    response = import_publiccode(api)
    recorded = set(Adoption.objects.values_list("region_id", flat=True))
    if status != 201:
        assert App.objects.count() == 0 and recorded == set()
    elif who == "staff":  # on any region's behalf, unverified
        assert recorded == {OTHER, THIRD} and response.json()["notes"] == []
        assert not Adoption.objects.filter(verified=True).exists()
    else:  # the home region's editors: for neither region, and told so
        assert recorded == set()
        assert any("Kota Bontang" in note and "Kota Semarang" in note for note in response.json()["notes"])
    return response


def adoption_over_verified(api, who, status):
    app = factories.AppFactory(slug="lapor", owner_region=factories.region(THIRD))
    factories.AdoptionFactory(app=app, region=factories.region(HOME), stage="live", verified=True)
    response = api.post(
        "/api/v1/adoptions/", {"app": "lapor", "region": HOME, "stage": "planned"}, format="json"
    )
    adoption = Adoption.objects.get()
    if status == 201:
        assert (adoption.stage, adoption.verified) == ("planned", True)
    else:
        assert (adoption.stage, adoption.verified) == ("live", True)
    return response


def template_preview(api, who, status):
    response = api.post(
        "/api/v1/templates/pengaduan/preview/", {"region": HOME, "context": {"sla_hours": 24}}, format="json"
    )
    if status == 200:
        assert "Kabupaten Batang" in response.json()["readme"]
    assert Fork.objects.count() == 0
    return response


def mou_source(api, who, status):
    mou = factories.MoUFactory(party_codes=(HOME, THIRD), source="")
    response = api.patch(
        f"/api/v1/mous/{mou.pk}/", {"source": "https://berita.example.test/1"}, format="json"
    )
    mou.refresh_from_db()
    assert mou.source == ("https://berita.example.test/1" if status == 200 else "")
    if status == 400:
        assert "source" in response.json()
    return response


def app_source(api, who, status):
    app = factories.AppFactory(slug="mine", owner_region=factories.region(HOME), source="")
    response = api.patch("/api/v1/apps/mine/", {"source": "https://berita.example.test/3"}, format="json")
    app.refresh_from_db()
    assert app.source == ("https://berita.example.test/3" if status == 200 else "")
    if status == 400:
        assert "source" in response.json()
    return response


ACTIONS = {
    "app-patch-foreign-mou": lambda api, who, status: app_patch_mou(api, who, status, (OTHER, THIRD)),
    "app-patch-own-mou": lambda api, who, status: app_patch_mou(api, who, status, (HOME, THIRD)),
    "import-publiccode-used-by": import_used_by,
    "adoption-over-verified": adoption_over_verified,
    "template-preview": template_preview,
    "mou-source": mou_source,
    "app-source": app_source,
}


@pytest.mark.parametrize(("endpoint", "who", "status"), CASES, ids=[f"{e}:{w}" for e, w, _ in CASES])
def test_permission_table(request, api, regions, endpoint, who, status):
    if endpoint == "template-preview":
        request.getfixturevalue("pengaduan")
    cache.clear()  # no throttle history from another case
    user = user_for(who)
    if user is not None:
        api.force_authenticate(user)
    response = ACTIONS[endpoint](api, who, status)
    assert response.status_code == status, response.content


# Beyond the table ---------------------------------------------------------------------------------


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
