"""Screenshots: stored under generated names, served by a view with the type found by decoding them."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import Screenshot
from tests import factories

pytestmark = pytest.mark.django_db


def image_bytes(fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "orange").save(buffer, fmt)
    return buffer.getvalue()


def polyglot_png() -> bytes:
    """A valid PNG with HTML after its end: a browser sniffing the bytes could take it for a page."""
    return image_bytes("PNG") + b"<html><body><script>alert(document.domain)</script></body></html>"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def add_screenshot(app, name: str, content: bytes) -> Screenshot:
    shot = Screenshot(app=app, image=SimpleUploadedFile(name, content, content_type="text/html"))
    shot.full_clean()
    shot.save()
    return shot


@pytest.mark.parametrize(
    ("fmt", "extension", "content_type"),
    [("PNG", "png", "image/png"), ("JPEG", "jpg", "image/jpeg"), ("WEBP", "webp", "image/webp")],
)
def test_stored_name_is_generated_with_the_decoded_format(regions, media_root, fmt, extension, content_type):
    shot = add_screenshot(factories.AppFactory(), "poly.html", image_bytes(fmt))
    assert re.fullmatch(rf"screenshots/\d{{4}}/[0-9a-f]{{32}}\.{extension}", shot.image.name), shot.image.name


def test_polyglot_screenshot_is_served_as_an_image_with_nosniff(client, regions, media_root):
    app = factories.AppFactory(slug="lapor")
    shot = add_screenshot(app, "poly.html", polyglot_png())
    assert shot.image.name.endswith(".png")
    response = client.get(f"/aplikasi/lapor/tangkapan-layar/{shot.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == polyglot_png()


def test_app_page_and_api_point_at_the_view_not_at_media(client, api, regions, media_root, settings):
    app = factories.AppFactory(slug="lapor")
    shot = add_screenshot(app, "a.png", image_bytes())
    url = f"/aplikasi/lapor/tangkapan-layar/{shot.pk}/"
    page = client.get("/aplikasi/lapor/").content.decode()
    assert f'src="{url}"' in page
    assert settings.MEDIA_URL not in page
    screenshots = api.get("/api/v1/apps/lapor/").json()["screenshots"]
    assert screenshots == [{"url": f"http://testserver{url}", "caption": ""}]


def test_old_screenshot_under_its_upload_name_is_served_by_its_decoded_type(client, regions, media_root):
    app = factories.AppFactory(slug="lapor")
    shot = Screenshot.objects.create(app=app, image="screenshots/2025/poly.html")
    shot.image.storage.save("screenshots/2025/poly.html", ContentFile(image_bytes("JPEG")))
    response = client.get(f"/aplikasi/lapor/tangkapan-layar/{shot.pk}/")
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_stored_file_that_is_no_accepted_image_is_not_served(client, regions, media_root):
    app = factories.AppFactory(slug="lapor")
    shot = Screenshot.objects.create(app=app, image="screenshots/2025/page.html")
    shot.image.storage.save("screenshots/2025/page.html", ContentFile(b"<html><script>1</script>"))
    assert client.get(f"/aplikasi/lapor/tangkapan-layar/{shot.pk}/").status_code == 404


def test_screenshot_of_another_app_or_unknown_is_404(client, regions, media_root):
    shot = add_screenshot(factories.AppFactory(slug="lapor"), "a.png", image_bytes())
    factories.AppFactory(slug="lain")
    assert client.get(f"/aplikasi/lain/tangkapan-layar/{shot.pk}/").status_code == 404
    assert client.get("/aplikasi/lapor/tangkapan-layar/999999/").status_code == 404


def test_admin_links_the_current_screenshot_to_its_view(client, regions, media_root):
    app = factories.AppFactory(slug="lapor")
    shot = add_screenshot(app, "a.png", image_bytes())
    client.force_login(factories.StaffFactory(is_superuser=True))
    page = client.get(f"/admin/catalog/app/{app.pk}/change/").content.decode()
    assert f'href="/aplikasi/lapor/tangkapan-layar/{shot.pk}/"' in page
    assert "/media/" not in page


def test_the_data_migration_gives_old_screenshots_a_generated_name_by_format(
    regions, media_root, django_capture_on_commit_callbacks
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("catalog.migrations.0008_rename_stored_screenshots")
    app = factories.AppFactory(slug="lapor")
    shot = Screenshot.objects.create(app=app, image="screenshots/2025/poly.html")
    shot.image.storage.save("screenshots/2025/poly.html", ContentFile(image_bytes("WEBP")))
    with django_capture_on_commit_callbacks(execute=True):
        migration.rename_screenshots(apps, None)
    shot.refresh_from_db()
    assert re.fullmatch(r"screenshots/2025/[0-9a-f]{32}\.webp", shot.image.name)
    assert not shot.image.storage.exists("screenshots/2025/poly.html")
