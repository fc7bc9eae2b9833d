"""Two versions of a template compared, as rendered with its defaults: on the page and through the API,
the files that change with their diffs; bad versions are 400s."""

import pytest
from django.core.cache import cache

from templates_repo import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(regions, media_root):
    cache.clear()
    services.template_sync()


def test_the_api_compares_two_versions(api, library):
    response = api.get("/api/v1/templates/pengaduan/compare/", {"from": 1, "to": 2})
    assert response.status_code == 200, response.content
    body = response.json()
    changes = {item["path"]: item["change"] for item in body["files"]}
    assert changes["Makefile"] == "modified" and "added" in changes.values()
    assert body["diffs"]["Makefile"].startswith("diff --git a/Makefile b/Makefile")
    backwards = api.get("/api/v1/templates/pengaduan/compare/", {"from": 2, "to": 1}).json()
    assert {item["path"] for item in backwards["files"]} == set(changes)
    same = api.get("/api/v1/templates/pengaduan/compare/", {"from": 2, "to": 2}).json()
    assert (same["files"], same["diffs"]) == ([], {})


@pytest.mark.parametrize(
    ("query", "field"),
    [({"from": 1, "to": 9}, "to"), ({"from": "x", "to": 1}, "from"), ({"to": 1}, "from")],
)
def test_bad_versions_are_400(api, library, query, field):
    response = api.get("/api/v1/templates/pengaduan/compare/", query)
    assert response.status_code == 400 and field in response.json()


def test_the_page_compares_the_last_two_versions_by_default(client, library):
    page = client.get("/templat/pengaduan/banding/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<code>Makefile</code>" in html and '<span class="add">+' in html
    assert client.get("/templat/pengaduan/banding/?dari=2&ke=9").status_code == 400
    assert client.get("/templat/pengaduan/").content.decode().count("/templat/pengaduan/banding/") == 1
