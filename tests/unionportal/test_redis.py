"""Against the real Redis of REDIS_URL (CI provides one); skipped, and said so, where there is none."""

import uuid

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.redis


def test_cache_is_redis_and_round_trips(settings):
    assert settings.CACHES["default"]["BACKEND"] == "unionportal.core.cache.RedisCache"
    key = f"test:{uuid.uuid4()}"
    cache.set(key, {"县区": "滨海县"}, 30)
    assert cache.get(key) == {"县区": "滨海县"}
    cache.delete(key)
    assert cache.get(key) is None


def test_the_cache_reuses_one_redis_client_per_pool():
    """Django builds a redis.Redis object per call; the portal's backend keeps one per pool."""
    client = cache._cache
    assert client.get_client(write=True) is client.get_client(write=False) is client.get_client("any key")
    key = f"test:{uuid.uuid4()}"
    assert cache.add(key, 1, 30) is True and cache.incr(key) == 2 and cache.get(key) == 2
    cache.delete(key)


def test_celery_broker_is_redis_and_reachable():
    from unionportal.celery import app

    assert app.conf.broker_url.startswith("redis://")
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=2)
        assert conn.connected
