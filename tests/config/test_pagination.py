import pytest


@pytest.mark.parametrize("query", ["?page=", "?page=&page=", "?page=1&page=2"])
def test_a_blank_or_repeated_page_is_a_404_like_a_page_that_is_not_a_number(api, regions, query):
    assert api.get("/api/v1/regions/" + query).status_code == 404
    assert api.get("/api/v1/regions/?page=a").status_code == 404
    assert api.get("/api/v1/regions/?page=1").status_code == 200
