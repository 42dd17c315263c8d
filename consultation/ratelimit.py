"""Cache-based rate limits per user and per IP address (Redis in production, local memory otherwise).

Rates are set in settings.PACTE_RATE_LIMITS as "<count>/<seconds>" per action and scope, e.g.
{"vote": {"user": "120/60", "ip": "1200/60"}}. A fixed window per (action, scope, key) is enough here:
the aim is to stop floods and scripts, not to shape traffic precisely.
"""

import functools
import logging

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.utils.crypto import salted_hmac
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from accounts import vendor

# The one rule for the client's address behind reverse proxies (PACTE_TRUSTED_PROXIES), shared with
# allauth's login limits.
from accounts.network import client_ip

logger = logging.getLogger(__name__)

_WINDOW_SALT = "pacte.ratelimit.window"


@functools.lru_cache(maxsize=64)
def _parse(rate: str) -> tuple[int, int]:
    count, seconds = rate.split("/")
    return int(count), int(seconds)


# The rates of PACTE_RATE_LIMITS parsed once: (the settings' dict they were read from, {action: ((scope,
# limit, seconds), ...)}). Read again when the setting is another dict (override_settings in tests).
_parsed: tuple[dict | None, dict[str, tuple[tuple[str, int, int], ...]]] = (None, {})


def rates(action: str) -> tuple[tuple[str, int, int], ...]:
    global _parsed
    limits = settings.PACTE_RATE_LIMITS
    source, parsed = _parsed
    if source is not limits:
        parsed = {}
        _parsed = (limits, parsed)
    rates = parsed.get(action)
    if rates is None:
        rates = tuple((scope, *_parse(rate)) for scope, rate in limits.get(action, {}).items())
        parsed[action] = rates
    return rates


def window_key(action: str, scope: str, value: str) -> str:
    """The cache key of a window: the counted value (a user id, an address) only as a digest keyed by
    SECRET_KEY. A plain hash of an address is no pseudonym: the 2**32 IPv4 addresses are hashed in
    minutes, so anyone reading Redis, the windows' table or a dump of it would have the addresses. A
    new SECRET_KEY opens every window again at 1, as a Redis restart does."""
    return _window_key(action, scope, value, settings.SECRET_KEY)


@functools.lru_cache(maxsize=8192)
def _window_key(action: str, scope: str, value: str, secret: str) -> str:
    digest = salted_hmac(_WINDOW_SALT, value, secret=secret, algorithm="sha256").hexdigest()
    return f"rl:{action}:{scope}:{digest[:24]}"


def window_seconds(action: str, scope: str) -> int | None:
    """Length of the window of `action`'s limit in `scope`, None when there is no such limit."""
    rate = settings.PACTE_RATE_LIMITS.get(action, {}).get(scope)
    return _parse(rate)[1] if rate else None


def _hit(key: str, limit: int, seconds: int) -> bool:
    """Count one hit; True when the limit is exceeded (any cache backend)."""
    try:
        return cache.incr(key) > limit
    except ValueError:  # no window yet (or it just expired): open one
        if cache.add(key, 1, timeout=seconds):
            return limit < 1
        return cache.incr(key) > limit


def is_rate_limited(request, action: str, **scopes: str) -> bool:
    """Count this request against the per-user and per-IP limits of `action`; True when over either.
    `scopes` adds other keys the action is limited by, e.g. `session=str(session.pk)` for the limit of
    `PACTE_RATE_LIMITS[action]["session"]`."""
    keys = {"ip": client_ip(request), **scopes}
    if request.user.is_authenticated:
        keys["user"] = str(request.user.pk)
    windows = [  # (cache key, limit, seconds)
        (window_key(action, scope, keys[scope]), limit, seconds)
        for scope, limit, seconds in rates(action)
        if scope in keys
    ]
    backend = caches["default"]
    if isinstance(backend, RedisCache) and windows:
        try:
            return _hit_redis(backend, windows)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            # Redis down: allow (the limits stop floods, they are not a quota), and say so in the log.
            logger.warning("rate limit of %s not counted, Redis unreachable: %s", action, exc)
            return False
    hits = [_hit(key, limit, seconds) for key, limit, seconds in windows]  # count every window
    return any(hits)


def _hit_redis(backend: RedisCache, windows: list[tuple[str, int, int]]) -> bool:
    """Every window counted in one Redis round trip (this runs on every vote): INCR opens a missing
    window at 1 and EXPIRE ... NX gives it its lifetime only when it has none yet (Redis >= 7)."""
    # make_key without the validation, which walks every character for memcached's sake: these keys
    # are short ASCII ("rl:<action>:<scope>:<24 hex digits>").
    keys = [backend.make_key(key) for key, _limit, _seconds in windows]
    pipe = vendor.redis_client(backend).pipeline(transaction=False)
    for key, (_key, _limit, seconds) in zip(keys, windows, strict=True):
        pipe.incr(key)
        pipe.expire(key, seconds, nx=True)
    counts = pipe.execute()[::2]
    return any(count > limit for count, (_key, limit, _seconds) in zip(counts, windows, strict=True))
