"""The signed-in person's session and cached user in one Redis round trip (docs/decisions/0013).

Without it, a signed-in request reads its session from the cache (cached_db), learns the user id from
it, then reads the cached user (accounts/backends.py): two round trips, one after the other, on every
request. The user id of a session key never changes while that key lives (Django gives a session a new
key when someone signs in, and flushes it when they sign out), so each process remembers, for the
session keys it has seen signed in, whose they are, and reads both entries in one pipeline on their
next request.

The remembered id is only a hint for what to read in advance, never an identity: the session read is
the one Django would have made (its data decide who is signed in, and the session hash is checked as
always), and the prefetched user entry is used only if the session names that same user
(accounts.cached.read_through looks it up by its exact key). A wrong or stale hint costs one read, as
before. Without Redis (the embedded runtime, local memory) or when Redis cannot be reached, nothing
is prefetched and the usual reads run.
"""

import logging

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from . import cached, vendor

logger = logging.getLogger(__name__)

#: Session keys seen signed in by this process -> their user id. Bounded: emptied when full (a miss
#: only costs the usual second read).
_owners: dict[str, str] = {}
MAX_REMEMBERED = 50_000


class PrefetchSignedInMiddleware:
    """Listed right after SessionMiddleware, before anything reads the session or the user."""

    def __init__(self, get_response):
        self.get_response = get_response
        backend = caches[settings.SESSION_CACHE_ALIAS]
        self.enabled = (
            settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
            and isinstance(backend, RedisCache)
            and caches["default"] is backend  # accounts.cached uses the default cache
        )

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        redis_down = getattr(caches["default"], "is_down", lambda: False)()  # config/cache.py
        owner = _owners.get(cookie) if cookie and not redis_down else None
        token = None
        if owner is not None and request.session.session_key is not None:
            token = cached.prefetched.set(self._prefetch(request, owner))
        try:
            response = self.get_response(request)
        finally:
            if token is not None:
                cached.prefetched.reset(token)
        self._remember(request, cookie)
        return response

    def _prefetch(self, request, owner: str) -> dict:
        """{user cache key: raw entry} for accounts.cached, after giving the session its data."""
        session = request.session
        backend = caches[settings.SESSION_CACHE_ALIAS]
        user_key = cached.user_key(owner)
        keys = (backend.make_key(cached_db.KEY_PREFIX + session.session_key), backend.make_key(user_key))
        pipe = vendor.redis_client(backend).pipeline(transaction=False)
        for key in keys:
            pipe.get(key)
        try:
            session_raw, user_raw = pipe.execute()
        except (RedisConnectionError, RedisTimeoutError) as exc:
            if hasattr(backend, "_degraded"):  # the usual reads then skip Redis too (config/cache.py)
                backend._degraded("prefetch", exc, None)
            return {}
        loads = vendor.cache_serializer(backend).loads
        if session_raw is not None:
            session._session_cache = loads(session_raw)  # what SessionStore.load would return
        return {user_key: None if user_raw is None else loads(user_raw)}

    @staticmethod
    def _remember(request, cookie: str | None) -> None:
        session = getattr(request, "session", None)
        if session is None or not session.accessed:
            return
        key = session.session_key
        if cookie and cookie != key:
            _owners.pop(cookie, None)  # signed in or out: that key is gone
        owner = session.get(SESSION_KEY) if key else None
        if owner is None:
            if key:
                _owners.pop(key, None)
            return
        if len(_owners) >= MAX_REMEMBERED:
            _owners.clear()
        _owners[key] = str(owner)
