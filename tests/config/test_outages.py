"""Outages of the broker and the cache: slower answers at worst, never a 500, nothing lost."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from templates_repo import services
from templates_repo.models import Fork
from tests.conftest import free_port as _free_port
from tests.conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_on(own_redis):
    from config.celery_app import app

    # Celery copies broker_url into broker_read_url and broker_write_url when configured: set all three.
    names = ("broker_url", "broker_read_url", "broker_write_url", "broker_transport_options")
    saved = {name: app.conf[name] for name in names}

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.update({name: own_redis.url for name in names[:3]}, broker_transport_options={})
    reset_pools()
    yield own_redis
    app.conf.update(saved)
    reset_pools()


def _queued_messages(url: str) -> int:
    import redis

    return redis.Redis.from_url(url).llen("celery")


@pytest.mark.django_db(transaction=True)  # the task is queued after commit
def test_a_fork_requested_while_the_broker_is_down_is_accepted_and_queued_later(
    api, regions, broker_on, media_root
):
    from django.core.management import call_command

    call_command("load_demo")
    services.template_sync()
    api.force_authenticate(member_of("33.25", "developer"))
    body = {"template": "pengaduan", "region": "33.25", "context": {}}
    already = _queued_messages(broker_on.url)  # the sync's own tasks (a new version's e-mails)

    assert api.post("/api/v1/forks/", body, format="json").status_code == 202
    assert _queued_messages(broker_on.url) == already + 1

    broker_on.stop()
    answers = [api.post("/api/v1/forks/", body, format="json") for _ in range(3)]
    assert [a.status_code for a in answers] == [202, 202, 202], answers[0].content
    ids = [a.json()["id"] for a in answers]
    assert Fork.objects.filter(pk__in=ids, status="queued").count() == 3  # saved once each

    broker_on.start()
    Fork.objects.filter(pk__in=ids).update(queued_at="2020-01-01T00:00:00Z")
    assert services.fork_sweep() == 3  # beat's sweeper queues what the outage left
    assert _queued_messages(broker_on.url) == 3  # the restarted broker kept nothing: only these


@pytest.mark.parametrize("path", ["/api/v1/apps/", "/api/v1/apps/?search=pengaduan", "/aplikasi/"])
def test_pages_answer_without_the_cache_while_redis_is_down(client, regions, path):
    from django.core.management import call_command

    call_command("load_demo")
    closed = f"redis://127.0.0.1:{_free_port()}/1"  # nothing listens there
    backend = {"BACKEND": "config.cache.FailSoftRedisCache", "LOCATION": closed,
               "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}  # fmt: skip
    with override_settings(CACHES={"default": backend}):
        caches._settings = None
        try:
            assert client.get(path).status_code == 200
        finally:
            caches._settings = None


def test_the_plain_redis_cache_would_fail_there():
    """What the fail-soft backend is for: Django's own answers an unreachable Redis with an error."""
    from django.core.cache.backends.redis import RedisCache
    from redis.exceptions import ConnectionError as RedisConnectionError

    cache = RedisCache(f"redis://127.0.0.1:{_free_port()}/1", {"OPTIONS": {"socket_connect_timeout": 0.5}})
    with pytest.raises(RedisConnectionError):
        cache.get("x")


def test_every_cache_operation_answers_while_redis_is_down():
    from config.cache import FailSoftRedisCache

    cache = FailSoftRedisCache(
        f"redis://127.0.0.1:{_free_port()}/1", {"OPTIONS": {"socket_connect_timeout": 0.2}}
    )
    assert cache.get("k") is None and cache.get("k", 7) == 7
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False and cache.add("k", 1) is False and cache.touch("k") is False
    assert cache.set("k", 1) is None and cache.set_many({"a": 1}) == ["a"]
    assert cache.delete("k") is False and cache.delete_many(["k"]) is None
    assert cache.incr("k") == 1 and cache.incr("k", 5) == 5
    assert cache.get_or_set("k", 3) == 3
    assert cache.clear() is False


def test_the_redis_cache_keeps_one_client_per_pool_and_still_answers_after_an_outage():
    from config.cache import FailSoftRedisCache

    port = _free_port()
    cache = FailSoftRedisCache(f"redis://127.0.0.1:{port}/1", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b", write=True) is client  # one server: one pool, one client
    assert cache.get("k", 7) == 7  # down: the reused client fails soft like a new one
