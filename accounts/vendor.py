"""The private APIs of our libraries that Pacte relies on, each behind one small function.

Each was chosen because no public API does the job (the reason is next to it); each is pinned by
tests/test_vendor_contracts.py, which fails with the name of the function to revisit when an upgrade
moves or changes it. config/cache.py holds the other one (Django's Redis cache client internals).
"""

from __future__ import annotations

# allauth: a password typed at sign-in counts as a re-authentication (accounts/signals.py). allauth has
# no public API to read or add authentication records (65.x: allauth.account.internal.flows.login).
from allauth.account.internal.flows.login import get_authentication_records, record_authentication


def password_authentications(request, user) -> list[dict]:
    """allauth's records of this session's password authentications of `user`, oldest first, each a dict
    with at least "method" and "at" (a Unix time)."""
    return [r for r in get_authentication_records(request, user) if r.get("method") == "password"]


def record_reauthentication(request, user) -> None:
    """Tell allauth that `user` just proved their password again in this session."""
    record_authentication(request, user, method="password", reauthenticated=True)


def record_second_factor(request, user, authenticator) -> None:
    """Tell allauth that `user` just typed a valid code of `authenticator` in this session (setting it up,
    accounts/signals.py), as its own sign-in step records it: method "mfa"."""
    record_authentication(request, user, method="mfa", id=authenticator.pk, type=authenticator.type)


# allauth: failed sign-ins are counted per "key", which allauth makes from the e-mail alone; Pacte counts
# them per client address and e-mail (accounts/adapters.py overrides the adapter's private
# `_get_login_attempts_cache_key`, allauth 65.x; no setting or public method chooses that key).


def redis_client(cache_backend):
    """The redis-py client behind Django's Redis cache backend, for commands Django's cache API does not
    offer (a pipeline of INCR and EXPIRE NX, consultation/ratelimit.py). Django keeps it in the private
    attribute `_cache` (django.core.cache.backends.redis.RedisCache)."""
    return cache_backend._cache.get_client(None, write=True)


def cache_serializer(cache_backend):
    """How Django's Redis cache backend turns a stored value back into an object (pickle, or an int),
    for values read outside its API (accounts/prefetch.py). Django keeps it in `_cache._serializer`."""
    return cache_backend._cache._serializer
