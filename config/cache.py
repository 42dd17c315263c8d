"""Django's Redis cache backend, keeping one redis client per connection pool.

Why: Django builds a new `redis.Redis` object for every cache call (`RedisCacheClient.get_client`), and
redis-py fills a table of several hundred response callbacks in each constructor: about a quarter of a
millisecond per call, several times per request. The client is thread-safe (it only borrows connections
from the pool), so one per pool is enough. Behaviour is otherwise Django's.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # id of a connection pool (kept for the process's life) -> its client

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class PooledClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingClient
