"""Authentication backends whose `get_user` reads the signed-in user from the cache.

`get_user` runs on every request of a signed-in person; with Django's backends it is one SELECT each
time, which was a fifth of a vote's CPU under load (benchmarks/load_votes.py, py-spy). The user row is
cached through accounts/cached.py with their roles (asked on every request by the MFA middleware) and
their consent decisions (the charter, checked on every vote): one cache read instead of three. Every
save or delete of a user (services, admin, allauth: they all call save), every change of their groups
and every consent decision replaces the entry with a tombstone at once, so a deactivated account, a
changed password (the session hash is checked against the fresh row), a revoked role or an erased person
take effect on the next request. The entry also carries the session hash (accounts/session_hash.py),
computed when it is built. Inactive users are never cached: they are refused from the database
each time.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend

from . import cached
from .roles import load_roles
from .selectors import load_consents


class CachedUserMixin:
    def get_user(self, user_id):
        def fresh():
            user = super(CachedUserMixin, self).get_user(user_id)
            if user is None:
                return None
            user.get_session_auth_hash()  # memoised on the user: the entry carries it (session_hash.py)
            return load_consents(load_roles(user))

        user = cached.read_through(cached.user_key(user_id), fresh)
        return user if user is not None and self.user_can_authenticate(user) else None


class CachedModelBackend(CachedUserMixin, ModelBackend):
    """Email + password (admin, tests' force_login)."""


class CachedAllauthBackend(CachedUserMixin, AllauthBackend):
    """allauth's sign-in (email, verification, MFA)."""
