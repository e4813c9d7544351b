"""Django's Redis cache backend, with its Redis client made once per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every cache call,
and each one fills its table of some 170 response callbacks: on a signed-in page that reads the
session and the bell's count, that was about a tenth of the page's time. A ``redis.Redis`` object is
only a handle on its pool (thread-safe, holding no connection of its own), so one per pool is reused.
Everything else (pools, serialisation, timeouts) is Django's own."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
