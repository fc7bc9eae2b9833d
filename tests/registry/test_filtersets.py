"""Out-of-range filter values are a 400 with the field named, on the API and the list pages alike."""

import datetime

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

YEAR_LISTS = ["/api/v1/mous/", "/api/v1/visits/", "/mou/", "/kunjungan/"]
BAD_YEARS = ["0", "-5", "10000", "1e17", "9" * 5000, "2020.5", "dua ribu"]


@pytest.mark.parametrize("url", YEAR_LISTS)
@pytest.mark.parametrize(
    "year", BAD_YEARS, ids=["0", "negative", "10000", "1e17", "5000 digits", "2020.5", "words"]
)
def test_a_year_out_of_range_is_a_400_naming_the_field(client, regions, url, year):
    response = client.get(url, {"year": year})
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert list(response.json()) == ["year"]
    else:
        # The page itself, with the form's error where the filters are.
        assert 'class="error"' in response.text
        assert 'name="year"' in response.text


@pytest.mark.parametrize("url", YEAR_LISTS)
def test_the_years_a_date_can_have_still_filter(client, regions, url):
    factories.MoUFactory(title="MoU lama", party_codes=("33.25", "33.74"), signed_on=datetime.date(1, 1, 1))
    factories.StudyVisitFactory(visited_on=datetime.date(9999, 12, 31), host_codes=("33.74",))
    for year in ("1", "9999", "2019", " 2019 "):
        assert client.get(url, {"year": year}).status_code == 200, year


def test_the_api_error_is_in_the_language_of_the_request(api, regions):
    indonesian = api.get("/api/v1/mous/", {"year": "10000"}, HTTP_ACCEPT_LANGUAGE="id").json()["year"][0]
    english = api.get("/api/v1/mous/", {"year": "10000"}, HTTP_ACCEPT_LANGUAGE="en").json()["year"][0]
    assert "9999" in indonesian and "9999" in english
    assert indonesian != english
    assert "Ensure this value" in english


def test_the_page_error_is_in_the_language_of_the_visitor(client, regions):
    page = client.get("/kunjungan/", {"year": "0"}, HTTP_ACCEPT_LANGUAGE="en").text
    assert "Year: Ensure this value is greater than or equal to 1." in page
    page = client.get("/kunjungan/", {"year": "0"}, HTTP_ACCEPT_LANGUAGE="id").text
    assert "Tahun: " in page and "Ensure this value" not in page


@pytest.mark.parametrize("year", ["0", "10000", "1e17", "2020.5"])
def test_the_admin_year_filter_refuses_a_year_out_of_range(client, staff, year):
    factories.MoUFactory(
        title="MoU 2019", party_codes=("33.25", "33.74"), signed_on=datetime.date(2019, 5, 1)
    )
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    response = client.get("/admin/registry/mou/", {"year": year})
    # The admin's own answer to parameters it cannot use: back to the list with ?e=1.
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
    assert "MoU 2019" in client.get("/admin/registry/mou/", {"year": "2019"}).text
