"""Content-Security-Policy and Permissions-Policy on every page; no inline script or style left."""

import re
from pathlib import Path

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [
    ROOT / "config" / "templates",
    ROOT / "registry" / "templates",
    ROOT / "catalog" / "templates",
    ROOT / "templates_repo" / "templates",
]


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.parametrize(
    "path", ["/", "/aplikasi/", "/wilayah/33.74/", "/mou/", "/masuk/", "/admin/login/", "/api/v1/docs/"]
)
def test_pages_carry_a_csp_without_unsafe_inline_and_a_permissions_policy(client, regions, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in csp.get(directive, csp["default-src"])
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_api_answers_carry_the_headers_too(client, regions):
    response = client.get("/api/v1/regions/33.74/")
    assert "Content-Security-Policy" in response
    assert "camera=()" in response["Permissions-Policy"]


def test_swagger_ui_loads_its_script_from_a_url(client, regions):
    page = client.get("/api/v1/docs/").content.decode()
    assert re.search(r"<script[^>]*\bsrc=\"[^\"]*docs/\?script=", page), page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", page)
    assert "<style" not in page and "lumbung/swagger.css" in page


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"), "inline <script>"),
    (re.compile(r"<style\b"), "<style> element"),
    (re.compile(r"<[a-zA-Z][^>]*\sstyle=[\"']"), "style attribute"),
    (re.compile(r"<[a-zA-Z][^>]*\son[a-z]+=[\"']"), "event handler attribute"),
]


def test_no_template_has_inline_script_style_or_handlers():
    found = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            text = path.read_text()
            found += [f"{path.relative_to(ROOT)}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert found == []


@pytest.mark.parametrize("path", ["/api/v1/mous/", "/api/v1/apps/", "/api/v1/regions/33.74/"])
def test_browsable_api_has_no_inline_style_or_script(client, regions, path):
    # Signed in as staff, so that the page also holds the forms to write with.
    client.force_login(factories.StaffFactory(is_superuser=True))
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    page = response.content.decode()
    assert "lumbung/browsable-api.css" in page
    found = [what for pattern, what in INLINE if pattern.search(page)]
    assert found == []
