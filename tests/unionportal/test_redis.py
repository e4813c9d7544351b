"""Against the real Redis of REDIS_URL (CI provides one); skipped, and said so, where there is none."""

import uuid

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.redis


def test_cache_is_redis_and_round_trips(settings):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    key = f"test:{uuid.uuid4()}"
    cache.set(key, {"县区": "滨海县"}, 30)
    assert cache.get(key) == {"县区": "滨海县"}
    cache.delete(key)
    assert cache.get(key) is None


def test_celery_broker_is_redis_and_reachable():
    from unionportal.celery import app

    assert app.conf.broker_url.startswith("redis://")
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=2)
        assert conn.connected
