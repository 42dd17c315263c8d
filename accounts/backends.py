"""Authentication backends whose `get_user` reads the signed-in user from the cache.

`get_user` runs on every request of a signed-in person; with Django's backends it is one SELECT each
time, which was a fifth of a vote's CPU under load (benchmarks/load_votes.py, py-spy). The user row is
cached through accounts/cached.py, so every save or delete of a user (services, admin, allauth: they
all call save) replaces the entry with a tombstone at once, and a deactivated account, a changed password
(the session hash is checked against the fresh row) or an erased person stop working on the next
request. Inactive users are never cached: they are refused from the database each time.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend

from . import cached


def user_cache_key(user_id) -> str:
    return f"user:{user_id}"


class CachedUserMixin:
    def get_user(self, user_id):
        user = cached.read_through(
            user_cache_key(user_id), lambda: super(CachedUserMixin, self).get_user(user_id)
        )
        return user if user is not None and self.user_can_authenticate(user) else None


class CachedModelBackend(CachedUserMixin, ModelBackend):
    """Email + password (admin, tests' force_login)."""


class CachedAllauthBackend(CachedUserMixin, AllauthBackend):
    """allauth's sign-in (email, verification, MFA)."""
