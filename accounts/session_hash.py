"""The session hash of a user, memoised on the user object (and so in its cache entry).

Django checks on every request that the session's hash still equals `user.get_session_auth_hash()`, an
HMAC-SHA256 of the password hash under SECRET_KEY: about 40-190 us of CPU per request
(benchmarks/profile_vote.py, docs/decisions/0013-vote-path.md). The signed-in user comes from the cache
(accounts/backends.py), rebuilt from the database whenever the account is saved; the hash computed when
the entry is built travels with it. The memo is keyed by the password hash and by a tag of the signing
key, so it is never used for another password nor after SECRET_KEY changes.
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.utils.crypto import salted_hmac

_MEMO = "_pacte_session_hash"


@functools.lru_cache(maxsize=4)
def _key_tag(secret_key: str) -> str:
    """Names the signing key without revealing anything of it (an HMAC of a constant under it)."""
    return salted_hmac("pacte.session-hash-memo", "", secret=secret_key, algorithm="sha256").hexdigest()[:16]


def memoised_session_hash(user, compute: Callable[[], str]) -> str:
    tag = _key_tag(settings.SECRET_KEY)
    memo = user.__dict__.get(_MEMO)
    if memo is not None and memo[0] == user.password and memo[1] == tag:
        return memo[2]
    value = compute()
    user.__dict__[_MEMO] = (user.password, tag, value)
    return value
