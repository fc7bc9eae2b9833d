"""MoU documents: stored under names the site makes, served only through the download view."""

import json
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.models import MoU
from tests import factories
from tests.conftest import member_of
from tests.registry.test_api import mou_payload, pdf_bytes

pytestmark = pytest.mark.django_db

UUID_PDF = r"mous/\d{4}/[0-9a-f]{32}\.pdf"


def polyglot_pdf() -> bytes:
    """A valid one-page PDF whose second line is HTML with a script: a PDF/HTML polyglot."""
    first, rest = pdf_bytes(1).split(b"\n", 1)
    return first + b"\n%<html><body><script>alert(document.domain)</script></body></html>\n" + rest


def upload(api, user, name: str, content: bytes, **overrides):
    api.force_authenticate(user)
    payload = mou_payload(**overrides)
    document = SimpleUploadedFile(name, content, content_type="text/html")
    return api.post(
        "/api/v1/mous/",
        {**payload, "parties": json.dumps(payload["parties"]), "document": document},
        format="multipart",
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def assert_safe_pdf_download(response) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_polyglot_named_poly_html_is_stored_as_uuid_pdf_and_downloaded_as_an_attachment(
    api, client, batang_editor, media_root
):
    response = upload(api, batang_editor, "poly.html", polyglot_pdf())
    assert response.status_code == 201, response.json()
    mou = MoU.objects.get()
    assert re.fullmatch(UUID_PDF, mou.document.name), mou.document.name
    assert "poly" not in mou.document.name
    # The API hands out the site's own download view, never a /media/ address.
    assert response.json()["document"] == f"http://testserver/mou/{mou.pk}/dokumen/"
    assert api.get(f"/api/v1/mous/{mou.pk}/").json()["document"].endswith(f"/mou/{mou.pk}/dokumen/")
    download = client.get(f"/mou/{mou.pk}/dokumen/")
    assert_safe_pdf_download(download)
    assert "poly" not in download["Content-Disposition"]
    assert body(download) == polyglot_pdf()


def test_media_url_serves_nothing(client, batang_editor, api, media_root, settings):
    upload(api, batang_editor, "poly.html", polyglot_pdf())
    name = MoU.objects.get().document.name
    assert client.get(f"/{settings.MEDIA_URL}{name}").status_code == 404


def test_a_replaced_document_gets_a_new_name_too(api, batang_editor, media_root):
    upload(api, batang_editor, "a.pdf", pdf_bytes(1))
    mou = MoU.objects.get()
    first = mou.document.name
    response = api.patch(
        f"/api/v1/mous/{mou.pk}/",
        {"document": SimpleUploadedFile("../../evil.svg", pdf_bytes(2))},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    mou.refresh_from_db()
    assert re.fullmatch(UUID_PDF, mou.document.name)
    assert mou.document.name != first


def test_an_old_document_stored_under_its_upload_name_still_downloads_safely(client, regions, media_root):
    """Files stored before names were generated keep their names; the view ignores them."""
    mou = factories.MoUFactory()
    mou.document.storage.save("mous/2025/poly.html", ContentFile(polyglot_pdf()))
    MoU.objects.filter(pk=mou.pk).update(document="mous/2025/poly.html")
    download = client.get(f"/mou/{mou.pk}/dokumen/")
    assert_safe_pdf_download(download)
    assert download["Content-Disposition"].endswith('.pdf"')


def test_mou_without_document_has_none_and_no_download(api, client, regions):
    mou = factories.MoUFactory()
    assert api.get(f"/api/v1/mous/{mou.pk}/").json()["document"] is None
    assert client.get(f"/mou/{mou.pk}/dokumen/").status_code == 404
    assert client.get("/mou/999999/dokumen/").status_code == 404


# Visibility: the document of an unsigned draft is for its parties and staff only -------------------


@pytest.fixture
def draft_with_document(regions, media_root):
    mou = factories.MoUFactory(signed_on=None, starts_on=None, party_codes=("33.25", "33.74"))
    mou.document.save("draft.pdf", ContentFile(pdf_bytes(1)))
    return mou


@pytest.mark.parametrize(
    "who",
    ["anonymous", "no-membership", "member-of-another-region"],
)
def test_who_may_not_see_a_draft_document_gets_404(client, api, draft_with_document, who):
    user = {
        "anonymous": None,
        "no-membership": factories.UserFactory(),
        "member-of-another-region": member_of("64.74", "admin"),
    }[who]
    if user is not None:
        client.force_login(user)
        api.force_authenticate(user)
    mou = draft_with_document
    assert client.get(f"/mou/{mou.pk}/dokumen/").status_code == 404
    assert api.get(f"/api/v1/mous/{mou.pk}/").json()["document"] is None
    assert f"/mou/{mou.pk}/dokumen/" not in client.get(f"/mou/{mou.pk}/").content.decode()


@pytest.mark.parametrize("who", ["viewer-of-a-party", "staff"])
def test_parties_and_staff_download_a_draft_document(client, api, draft_with_document, who):
    user = member_of("33.74", "viewer") if who != "staff" else factories.StaffFactory()
    client.force_login(user)
    api.force_authenticate(user)
    mou = draft_with_document
    assert_safe_pdf_download(client.get(f"/mou/{mou.pk}/dokumen/"))
    assert api.get(f"/api/v1/mous/{mou.pk}/").json()["document"].endswith(f"/mou/{mou.pk}/dokumen/")
    assert f"/mou/{mou.pk}/dokumen/" in client.get(f"/mou/{mou.pk}/").content.decode()


def test_a_signed_mou_document_is_public(client, regions, media_root):
    mou = factories.MoUFactory()
    mou.document.save("signed.pdf", ContentFile(pdf_bytes(1)))
    assert_safe_pdf_download(client.get(f"/mou/{mou.pk}/dokumen/"))


def test_media_url_is_not_served_even_in_development(settings, media_root):
    """Under DEBUG too: uploaded files go through the views above, never through /media/."""
    import importlib

    from django.urls import Resolver404, resolve

    import config.urls

    settings.DEBUG = True
    try:
        development = importlib.reload(config.urls)
        with pytest.raises(Resolver404):
            resolve(f"/{settings.MEDIA_URL}mous/2026/poly.html", urlconf=development)
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)


def test_admin_links_the_current_document_to_the_download_view(client, regions, media_root):
    mou = factories.MoUFactory()
    mou.document.save("signed.pdf", ContentFile(pdf_bytes(1)))
    client.force_login(factories.StaffFactory(is_superuser=True))
    page = client.get(f"/admin/registry/mou/{mou.pk}/change/").content.decode()
    assert f'href="/mou/{mou.pk}/dokumen/"' in page
    assert "/media/" not in page


def test_the_data_migration_gives_old_documents_a_generated_name(
    regions, media_root, django_capture_on_commit_callbacks
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("registry.migrations.0004_rename_stored_documents")
    old = factories.MoUFactory()
    storage = old.document.storage
    storage.save("mous/2025/poly.html", ContentFile(polyglot_pdf()))
    MoU.objects.filter(pk=old.pk).update(document="mous/2025/poly.html")
    new = factories.MoUFactory()
    new.document.save("x.pdf", ContentFile(pdf_bytes(1)))
    generated = new.document.name
    missing = factories.MoUFactory()
    MoU.objects.filter(pk=missing.pk).update(document="mous/2024/gone.pdf")
    without = factories.MoUFactory()

    with django_capture_on_commit_callbacks(execute=True):
        migration.rename_documents(apps, None)

    old.refresh_from_db()
    assert re.fullmatch(r"mous/2025/[0-9a-f]{32}\.pdf", old.document.name)
    assert old.document.read() == polyglot_pdf()
    assert not storage.exists("mous/2025/poly.html")
    assert MoU.objects.get(pk=new.pk).document.name == generated
    assert MoU.objects.get(pk=missing.pk).document.name == "mous/2024/gone.pdf"
    assert not MoU.objects.get(pk=without.pk).document
