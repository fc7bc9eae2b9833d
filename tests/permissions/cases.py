"""Every write of the API and the pages, as one case each: arrange, act, check what is saved.

The home region (Kabupaten Batang) owns what is written: its app, its import, its own adoption record,
its fork, its MoU. "Other" is a member of Kota Bontang, a region with no part in any of it; Kota
Semarang (THIRD) is the other party or the app's owner where one is needed.

Each case returns the response; it asserts that the refused writes changed nothing and the allowed
ones did what they say.
"""

import datetime
import shutil

import yaml

from catalog.models import Adoption, App
from registry.models import MoU, StudyVisit
from replication.models import EvaluationFigure
from templates_repo import services as template_services
from templates_repo.choices import ForkStatus
from templates_repo.models import Fork, ReportingKey, ServiceReport, TemplateUpdate
from tests import factories

HOME, OTHER, THIRD = "33.25", "64.74", "33.74"  # Batang, Bontang, Semarang
NEEDS_TEMPLATE = set()  # cases that need the pengaduan template registered


def pengaduan_template(tmp_path):
    """Only the template the fork cases use, registered without the demo catalog."""
    base = tmp_path / "cookiecutters"
    shutil.copytree(template_services.COOKIECUTTERS_DIR / "pengaduan", base / "pengaduan")
    template_services.template_sync(base_dir=base)


def with_template(case):
    NEEDS_TEMPLATE.add(case.__name__)
    return case


def changed(status: int) -> bool:
    return 200 <= status < 300 or status == 302


# Catalog ---------------------------------------------------------------------------------------------


def app_create(client, status):
    body = {
        "name": "Laporan Warga Batang",
        "owner_region": HOME,
        "category": "pengaduan",
        "dimension": "governance",
        "spbe_type": "umum",
        "status": "stable",
        "short_description": "Laporan warga.",
        "long_description": "Warga melapor masalah kota; OPD menjawab dalam tiga hari.",
        "license": "MIT",
    }
    response = client.post("/api/v1/apps/", body, format="json")
    assert App.objects.exists() == changed(status), response.content
    return response


def app_patch(client, status):
    app = factories.AppFactory(slug="mine", owner_region=factories.region(HOME), name="Lama")
    response = client.patch("/api/v1/apps/mine/", {"name": "Baru"}, format="json")
    app.refresh_from_db()
    assert app.name == ("Baru" if changed(status) else "Lama")
    return response


def app_delete(client, status):
    factories.AppFactory(slug="mine", owner_region=factories.region(HOME))
    response = client.delete("/api/v1/apps/mine/")
    assert App.objects.filter(slug="mine").exists() != changed(status)
    return response


def app_patch_mou(client, status, party_codes):
    app = factories.AppFactory(slug="mine", owner_region=factories.region(HOME))
    mou = factories.MoUFactory(party_codes=party_codes)
    response = client.patch("/api/v1/apps/mine/", {"mous": [mou.pk]}, format="json")
    assert list(app.mous.values_list("pk", flat=True)) == ([mou.pk] if changed(status) else [])
    if status == 400:
        assert "mous" in response.json()
    return response


def app_patch_own_mou(client, status):
    return app_patch_mou(client, status, (HOME, THIRD))


def app_patch_foreign_mou(client, status):
    # An app may only be linked to MoUs its owner region is party to, whoever links it.
    return app_patch_mou(client, status, (OTHER, THIRD))


def app_source(client, status):
    app = factories.AppFactory(slug="mine", owner_region=factories.region(HOME), source="")
    response = client.patch("/api/v1/apps/mine/", {"source": "https://berita.example.test/3"}, format="json")
    app.refresh_from_db()
    assert app.source == ("https://berita.example.test/3" if changed(status) else "")
    if status == 400:
        assert "source" in response.json()
    return response


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


def import_publiccode(client, used_by=("Kota Bontang", "Kota Semarang")):
    text = yaml.safe_dump({**PUBLICCODE, "usedBy": list(used_by)})
    return client.post("/api/v1/apps/import-publiccode/", {"region": HOME, "text": text}, format="json")


def import_used_by(client, status, *, staff: bool):
    # usedBy is recorded only for the regions the importing user may record adoptions for.
    response = import_publiccode(client)
    recorded = set(Adoption.objects.values_list("region_id", flat=True))
    if not changed(status):
        assert App.objects.count() == 0 and recorded == set()
    elif staff:  # on any region's behalf, unverified
        assert recorded == {OTHER, THIRD} and response.json()["notes"] == []
        assert not Adoption.objects.filter(verified=True).exists()
    else:  # the home region's editors: for neither region, and told so
        assert recorded == set()
        assert any("Kota Bontang" in note and "Kota Semarang" in note for note in response.json()["notes"])
    return response


def adoption_create(client, status):
    factories.AppFactory(slug="lapor", owner_region=factories.region(THIRD))
    response = client.post(
        "/api/v1/adoptions/", {"app": "lapor", "region": HOME, "stage": "planned"}, format="json"
    )
    assert Adoption.objects.exists() == changed(status)
    return response


def adoption_over_verified(client, status):
    # A verified record is changed by the region's own members only, never downgraded by staff.
    app = factories.AppFactory(slug="lapor", owner_region=factories.region(THIRD))
    factories.AdoptionFactory(app=app, region=factories.region(HOME), stage="live", verified=True)
    response = client.post(
        "/api/v1/adoptions/", {"app": "lapor", "region": HOME, "stage": "planned"}, format="json"
    )
    adoption = Adoption.objects.get()
    assert (adoption.stage, adoption.verified) == ("planned" if changed(status) else "live", True)
    return response


# Registry --------------------------------------------------------------------------------------------

MOU = {
    "title": "Kerja sama",
    "signed_on": "2025-01-10",
    "starts_on": "2025-01-10",
    "scope": "Replikasi.",
    "parties": [
        {"region": HOME, "signatory_name": "A", "signatory_title": "Bupati Batang"},
        {"region": THIRD, "signatory_name": "B", "signatory_title": "Wali Kota Semarang"},
    ],
}


def mou_create(client, status):
    response = client.post("/api/v1/mous/", MOU, format="json")
    assert MoU.objects.exists() == changed(status)
    return response


def mou_patch(client, status):
    mou = factories.MoUFactory(party_codes=(HOME, THIRD), title="Lama")
    response = client.patch(f"/api/v1/mous/{mou.pk}/", {"title": "Baru"}, format="json")
    mou.refresh_from_db()
    assert mou.title == ("Baru" if changed(status) else "Lama")
    return response


def mou_delete(client, status):
    mou = factories.MoUFactory(party_codes=(HOME, THIRD))
    response = client.delete(f"/api/v1/mous/{mou.pk}/")
    assert MoU.objects.filter(pk=mou.pk).exists() != changed(status)
    return response


def mou_source(client, status):
    # Where a record comes from is the curators' word.
    mou = factories.MoUFactory(party_codes=(HOME, THIRD), source="")
    response = client.patch(
        f"/api/v1/mous/{mou.pk}/", {"source": "https://berita.example.test/1"}, format="json"
    )
    mou.refresh_from_db()
    assert mou.source == ("https://berita.example.test/1" if changed(status) else "")
    if status == 400:
        assert "source" in response.json()
    return response


def visit_create(client, status):
    body = {
        "kind": "study_visit",
        "visiting_region": HOME,
        "host_regions": [THIRD],
        "visited_on": "2025-02-01",
        "purpose": "Belajar pengaduan.",
    }
    response = client.post("/api/v1/visits/", body, format="json")
    assert StudyVisit.objects.exists() == changed(status)
    return response


# Templates and forks ---------------------------------------------------------------------------------


@with_template
def template_preview(client, status):
    response = client.post(
        "/api/v1/templates/pengaduan/preview/", {"region": HOME, "context": {"sla_hours": 24}}, format="json"
    )
    if status == 200:
        assert "Kabupaten Batang" in response.json()["readme"]
    assert Fork.objects.count() == 0
    return response


@with_template
def fork_create(client, status):
    response = client.post("/api/v1/forks/", {"template": "pengaduan", "region": HOME}, format="json")
    assert Fork.objects.exists() == changed(status)
    return response


def _fork(status: str) -> Fork:
    fork, _created = template_services.fork_request(
        user=factories.StaffFactory(username="requester"),
        template_slug="pengaduan",
        region_code=HOME,
        context={},
    )
    Fork.objects.filter(pk=fork.pk).update(status=status)
    return fork


@with_template
def fork_cancel(client, status):
    fork = _fork(ForkStatus.QUEUED)
    response = client.post(f"/api/v1/forks/{fork.pk}/cancel/")
    fork.refresh_from_db()
    assert (fork.status == ForkStatus.CANCELLED) == changed(status)
    return response


@with_template
def fork_retry(client, status):
    fork = _fork(ForkStatus.FAILED)
    response = client.post(f"/api/v1/forks/{fork.pk}/retry/")
    fork.refresh_from_db()
    assert (fork.status == ForkStatus.QUEUED) == changed(status)
    return response


@with_template
def fork_page(client, status):
    """The web form on the template page ("Buat salinan")."""
    form = {
        "region": HOME,
        "p_sla_hours": "24",
        "p_project_name": "Lapor Batang",
        "p_project_slug": "lapor_batang",
        "p_primary_color": "#123456",
        "p_accent_color": "#654321",
        "p_agencies": "Dinas Sosial",
        "p_escalation_officer": "Sekda",
        "p_allow_anonymous_reports": "on",
        "p_photo_max_mb": "5",
    }
    response = client.post("/templat/pengaduan/", form)
    assert Fork.objects.exists() == (status == 302 and response.url.startswith("/salinan/"))
    return response


# A region's workspace: confirming a use recorded on its behalf, adding its app from the web ----------


def _adoption_on_behalf():
    app = factories.AppFactory(slug="lapor", owner_region=factories.region(THIRD))
    return factories.AdoptionFactory(app=app, region=factories.region(HOME), stage="live", verified=False)


def adoption_confirm(client, status):
    adoption = _adoption_on_behalf()
    response = client.post(f"/api/v1/adoptions/{adoption.pk}/confirm/")
    adoption.refresh_from_db()
    assert adoption.verified == changed(status)
    assert adoption.events.filter(verified=True).exists() == changed(status)
    return response


def adoption_confirm_page(client, status):
    """The "Confirm" button of the workspace."""
    adoption = _adoption_on_behalf()
    response = client.post(f"/wilayah-saya/{HOME}/adopsi/{adoption.pk}/konfirmasi/")
    adoption.refresh_from_db()
    assert adoption.verified == (status == 302 and response.url.startswith(f"/wilayah-saya/{HOME}/"))
    return response


APP_FORM = {
    "name": "Laporan Warga Batang",
    "short_description": "Laporan warga.",
    "long_description": "Warga melapor masalah kota; OPD menjawab dalam tiga hari.",
    "category": "pengaduan",
    "dimension": "governance",
    "spbe_type": "umum",
    "status": "stable",
    "software_type": "standalone/web",
    "license": "MIT",
    "maintenance_type": "internal",
}


def app_create_page(client, status):
    """The "Add our app to the catalog" form of the workspace."""
    response = client.post(f"/wilayah-saya/{HOME}/aplikasi-baru/", APP_FORM)
    created = App.objects.filter(owner_region=HOME, name=APP_FORM["name"]).first()
    assert (created is not None) == (status == 302 and response.url.startswith("/aplikasi/"))
    return response


def app_update_page(client, status):
    factories.AppFactory(slug="mine", owner_region=factories.region(HOME), name="Lama")
    response = client.post("/aplikasi/mine/ubah/", {**APP_FORM, "name": "Baru"})
    assert App.objects.get(slug="mine").name == (
        "Baru" if status == 302 and response.url.startswith("/aplikasi/") else "Lama"
    )
    return response


# Updates of a copy: the fork rule for its region (developers, editors, admins; staff). Another region's
# members do not see the copy (404).


def _succeeded_copy() -> Fork:
    fork, _created = template_services.fork_request(
        user=factories.StaffFactory(username="requester"),
        template_slug="pengaduan",
        region_code=HOME,
        context={},
        version_number=1,
    )
    assert template_services.fork_run(fork_id=fork.pk) == "succeeded"
    return Fork.objects.get(pk=fork.pk)


@with_template
def update_request(client, status):
    fork = _succeeded_copy()
    response = client.post(f"/api/v1/forks/{fork.pk}/updates/", {}, format="json")
    assert TemplateUpdate.objects.exists() == changed(status)
    return response


@with_template
def update_applied(client, status):
    fork = _succeeded_copy()
    update, _created = template_services.update_request(user=fork.requested_by, fork=fork)
    template_services.update_run(update_id=update.pk)
    response = client.post(f"/api/v1/updates/{update.pk}/applied/")
    fork.refresh_from_db()
    assert (fork.current_version_id == update.to_version_id) == changed(status)
    return response


# A copy's service results: its region's developers, editors and admins manage its reporting keys; the
# results themselves are sent with a key, never by a signed-in user (tests/templates_repo/test_results.py).


def _copy_with_key():
    fork = factories.ForkFactory(region=factories.region(HOME))
    key, _raw = template_services.reporting_key_create(
        user=factories.StaffFactory(username="keymaker"), fork=fork
    )
    return fork, key


def reporting_key_create(client, status):
    fork = factories.ForkFactory(region=factories.region(HOME))
    response = client.post(f"/api/v1/forks/{fork.pk}/reporting-keys/", {"name": "server"}, format="json")
    assert ReportingKey.objects.filter(fork=fork).exists() == changed(status)
    return response


def reporting_key_revoke(client, status):
    fork, key = _copy_with_key()
    response = client.delete(f"/api/v1/forks/{fork.pk}/reporting-keys/{key.pk}/")
    key.refresh_from_db()
    assert (key.revoked_at is not None) == changed(status)
    return response


def results_report(client, status):
    fork, _key = _copy_with_key()
    body = {"month": "2026-10", "figures": {"reports_received": 1}}
    response = client.post(f"/api/v1/forks/{fork.pk}/results/", body, format="json")
    assert ServiceReport.objects.exists() == changed(status)
    return response


def evaluation_from_reports(client, status):
    """HOME receives the replication, in its evaluation phase; its copy reported two months."""
    from tests.permissions.replication_cases import home_receives

    replication = home_receives(phase="evaluasi")
    version = factories.TemplateVersionFactory(template__app=replication.app)
    fork = factories.ForkFactory(version=version, region=factories.region(HOME), replication=replication)
    factories.ServiceReportFactory(fork=fork, month=datetime.date(2026, 1, 1))
    factories.ServiceReportFactory(fork=fork, month=datetime.date(2026, 10, 1))
    body = {"before": "2026-01", "after": "2026-10"}
    response = client.post(
        f"/api/v1/replications/{replication.pk}/evaluation/from-reports/", body, format="json"
    )
    assert EvaluationFigure.objects.exists() == changed(status)
    return response
