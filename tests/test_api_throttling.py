"""DRF throttling for anonymous and signed-in API clients, and the 429 in the OpenAPI schema."""

import pytest
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from config.throttling import AnonRateThrottle, SignedInRateThrottle

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


def test_an_anonymous_request_is_counted_once(api, regions, low_rates):
    # Only by the "anon" rate: DRF's UserRateThrottle would count it a second time, by IP address.
    assert api.get("/api/v1/regions/33.25/").status_code == 200
    assert cache.get("throttle_anon_127.0.0.1") is not None
    assert cache.get("throttle_user_127.0.0.1") is None


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


@pytest.fixture
def redis_cache(own_redis, settings, low_rates):
    """The default cache on a Redis server of the test's own, as in production."""
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    backend = {"BACKEND": "config.cache.FailSoftRedisCache", "LOCATION": own_redis.url, "OPTIONS": options}
    settings.CACHES = {"default": backend}
    yield own_redis


def test_on_redis_each_request_is_one_counter_increment(api, regions, redis_cache, monkeypatch):
    """One round trip (a pipeline: start the window, count, read its time left) per request and client;
    the fourth request of a 3/minute client is refused with the window's time left."""
    import redis

    from config import throttling

    executed = []
    pipeline = redis.client.Pipeline.execute
    monkeypatch.setattr(redis.client.Pipeline, "execute", lambda self, *a, **k: executed.append(
        [command[0][0] for command in self.command_stack]) or pipeline(self, *a, **k))  # fmt: skip
    for _ in range(3):
        assert api.get("/api/v1/regions/33.25/").status_code == 200
    assert executed == [["SET", "INCRBY", "PTTL"]] * 3
    response = api.get("/api/v1/regions/33.25/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert redis.Redis.from_url(redis_cache.url).get(":1:throttle_anon_127.0.0.1") == b"4"
    assert api.get("/api/v1/regions/33.25/", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert issubclass(throttling.AnonRateThrottle, throttling.CountedRateThrottle)


def test_on_redis_a_signed_in_client_has_its_own_count(api, batang_editor, redis_cache):
    token = Token.objects.create(user=batang_editor)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    for _ in range(5):
        assert api.get("/api/v1/regions/33.25/").status_code == 200
    assert api.get("/api/v1/regions/33.25/").status_code == 429
    api.credentials()
    assert api.get("/api/v1/regions/33.25/").status_code == 200  # the address's anonymous count is apart


def test_requests_pass_while_redis_is_down(api, regions, redis_cache):
    redis_cache.stop()
    for _ in range(5):  # more than the anonymous rate: nothing can count them
        assert api.get("/api/v1/regions/33.25/").status_code == 200
