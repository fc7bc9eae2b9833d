"""The site's icon: linked from every kind of page (the site's, the admin's, the API's), and served at
/favicon.ico, which browsers ask for by themselves."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

ICON = 'rel="icon" href="/static/lumbung/favicon.svg" type="image/svg+xml"'


def test_favicon_ico_redirects_to_the_svg(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/lumbung/favicon.svg"


@pytest.mark.parametrize(
    "url",
    ["/", "/wilayah/", "/aplikasi/", "/templat/", "/masuk/", "/tidak-ada/", "/api/v1/", "/api/v1/docs/"],
)
def test_pages_link_the_favicon(client, regions, url):
    assert ICON in client.get(url, HTTP_ACCEPT="text/html").content.decode(), url


def test_admin_links_the_favicon(client, regions):
    client.force_login(factories.StaffFactory(username="root", is_superuser=True))
    assert ICON in client.get("/admin/").text
