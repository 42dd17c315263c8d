"""A Redis that fails is left alone for a moment: a hung Redis costs one timeout, not one per cache call."""

import pytest
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import TimeoutError as RedisTimeoutError

from config.cache import FailSoftRedisCache


@pytest.fixture
def hung(monkeypatch):
    """A cache whose Redis times out on every call, counting the calls that reach it."""
    calls = []

    def timeout(name):
        def method(self, *args, **kwargs):
            calls.append(name)
            raise RedisTimeoutError("Timeout reading from socket")

        return method

    for name in ("get", "set", "add", "delete"):
        monkeypatch.setattr(RedisCache, name, timeout(name))
    clock = {"now": 1000.0}
    monkeypatch.setattr("time.monotonic", lambda: clock["now"])
    monkeypatch.setattr(FailSoftRedisCache, "_down_until", 0.0)
    cache = FailSoftRedisCache("redis://127.0.0.1:6379/0", {})
    return cache, calls, clock


def test_after_a_timeout_reads_and_writes_skip_redis_for_a_moment(hung):
    cache, calls, clock = hung
    assert cache.get("user:1", "miss") == "miss" and calls == ["get"]  # one timeout paid
    assert cache.get("user:2", "miss") == "miss" and cache.set("k", 1) is None and cache.add("k", 1) is False
    assert calls == ["get"]  # the next calls return at once
    clock["now"] += FailSoftRedisCache.DOWN_SECONDS + 0.1
    cache.get("user:3")
    assert calls == ["get", "get"]  # then Redis is tried again


def test_deletes_are_still_tried_while_redis_is_left_alone(hung):
    """A delete invalidates an entry (a role revoked): it is never skipped."""
    cache, calls, _clock = hung
    cache.get("user:1")
    cache.delete("user:1")
    assert calls == ["get", "delete"]
