"""DRF throttling for anonymous and signed-in API clients, and the 429 in the OpenAPI schema."""

import pytest
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from config.throttling import SignedInRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(monkeypatch):
    # The rates are read into the throttle class once; the suite's own are generous (pyproject.toml).
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "5/minute"})
    cache.clear()
    yield
    cache.clear()


def test_both_throttles_are_on_by_default():
    assert AnonRateThrottle in api_settings.DEFAULT_THROTTLE_CLASSES
    assert SignedInRateThrottle in api_settings.DEFAULT_THROTTLE_CLASSES
    assert {"anon", "user"} <= set(api_settings.DEFAULT_THROTTLE_RATES)


def test_an_anonymous_request_is_counted_once(api, regions, low_rates, monkeypatch):
    # Only by the "anon" rate: DRF's UserRateThrottle would count it a second time, by IP address.
    reads = []
    original = cache.get
    monkeypatch.setattr(
        cache, "get", lambda key, *args, **kwargs: reads.append(key) or original(key, *args, **kwargs)
    )
    assert api.get("/api/v1/regions/33.25/").status_code == 200
    assert [key for key in reads if key.startswith("throttle_")] == ["throttle_anon_127.0.0.1"]


def test_anonymous_client_gets_429_with_retry_after(api, regions, low_rates):
    for _ in range(3):
        assert api.get("/api/v1/regions/33.25/").status_code == 200
    response = api.get("/api/v1/regions/33.25/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()
    # Another address has its own allowance.
    assert api.get("/api/v1/regions/33.25/", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_signed_in_client_gets_its_own_higher_rate(api, batang_editor, low_rates):
    token = Token.objects.create(user=batang_editor)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    for _ in range(5):
        assert api.get("/api/v1/regions/33.25/").status_code == 200
    response = api.get("/api/v1/regions/33.25/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_schema_documents_429_on_every_operation(regions):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert operations
    missing = [
        f"{method.upper()} {path}"
        for path, method, operation in operations
        if "429" not in operation["responses"]
    ]
    assert not missing
    response = operations[0][2]["responses"]["429"]
    assert "Retry-After" in response["headers"]
    assert response["content"]["application/json"]["schema"]["$ref"].endswith("/Throttled")
    assert "Throttled" in schema["components"]["schemas"]
