"""Read-through cache for small per-user facts asked on every request (roles, consents).

Why not a plain get/set: a reader that queried the database just before a write committed could store
the old answer after the writer cleared it, and keep it until it expires; a revoked role must stop at
once. So a write replaces the entry with a short-lived tombstone (now and again after its transaction
commits), and readers only fill an empty entry (`cache.add`): while the tombstone lives, everyone reads
the database and nobody can put the old answer back.
"""

from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

TIMEOUT = 300
_TOMBSTONE = "__changed__"
_TOMBSTONE_SECONDS = 10


def user_key(user_id) -> str:
    """The signed-in user, with their roles (accounts/backends.py, accounts/roles.py)."""
    return f"user:{user_id}"


#: Entries already read for this request ({key: entry or None}), by accounts/prefetch.py: each is used
#: once, in place of its cache read.
prefetched: ContextVar[dict | None] = ContextVar("pacte_prefetched_entries", default=None)


def read_through(key: str, compute: Callable[[], T]) -> T:
    ahead = prefetched.get()
    value = ahead.pop(key) if ahead is not None and key in ahead else cache.get(key)
    if value is not None and value != _TOMBSTONE:
        return value
    fresh = compute()
    if value is None:  # empty entry: fill it (a tombstone set meanwhile wins, as add does not replace)
        cache.add(key, fresh, TIMEOUT)
    return fresh


def invalidate(key: str) -> None:
    """Call where the fact changes, inside or outside a transaction."""
    cache.set(key, _TOMBSTONE, _TOMBSTONE_SECONDS)
    transaction.on_commit(lambda: cache.set(key, _TOMBSTONE, _TOMBSTONE_SECONDS))
