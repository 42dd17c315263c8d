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


class FailSoftRedisCache(PooledClientRedisCache):
    """The same cache, which degrades instead of failing while Redis cannot be reached.

    What the cache holds here is never the only copy: sessions are written through to the database
    (`cached_db`), the signed-in user and their roles are read through from the database
    (`accounts.cached`), rate-limit windows are counters that may restart. So while Redis is down a
    read misses (the caller reads the database), a write is dropped, and the rate limits allow (logged by
    `consultation.ratelimit`): citizens keep answering, proposing and voting. One warning per minute
    per process says so. What is lost: a role revoked during the outage may be read from an entry cached
    before it, until that entry expires (`accounts.cached.TIMEOUT`, 5 minutes).
    """

    _warned_at = 0.0
    #: After a failure, Redis is left alone for this long (per process): a Redis that hangs instead of
    #: refusing would otherwise cost every cache call its socket timeout (a sign-in made of a dozen calls
    #: took 40 s). Deletes are still tried: they invalidate entries (a role revoked).
    DOWN_SECONDS = 2.0
    _down_until = 0.0

    @classmethod
    def is_down(cls) -> bool:
        import time

        return time.monotonic() < cls._down_until

    def _degraded(self, operation: str, exc: Exception, default):
        import logging
        import time

        now = time.monotonic()
        FailSoftRedisCache._down_until = now + self.DOWN_SECONDS
        if now - FailSoftRedisCache._warned_at > 60:
            FailSoftRedisCache._warned_at = now
            logging.getLogger(__name__).warning("Redis unreachable, cache %s skipped: %s", operation, exc)
        return default


def _fail_soft(name: str, default):
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    def wrapper(self, *args, **kwargs):
        if name not in ("delete", "delete_many") and self.is_down():
            return default() if callable(default) else default
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            return self._degraded(name, exc, default() if callable(default) else default)

    wrapper.__name__ = name
    return wrapper


def _get(self, key, default=None, version=None):
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    if self.is_down():
        return default
    try:
        return RedisCache.get(self, key, default, version)
    except (RedisConnectionError, RedisTimeoutError) as exc:
        return self._degraded("get", exc, default)


FailSoftRedisCache.get = _get
for _name, _default in (
    ("get_many", dict),
    ("has_key", False),
    ("add", False),
    ("set", None),
    ("set_many", list),
    ("touch", False),
    ("delete", False),
    ("delete_many", None),
    ("clear", None),
):
    setattr(FailSoftRedisCache, _name, _fail_soft(_name, _default))
