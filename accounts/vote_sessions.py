"""Vote sessions: which signed-in session may vote without reading the session or the user from Redis
(docs/decisions/0019-vote-without-redis.md).

A row is written only after the full request path has authenticated a session the usual way (Django's
session, its backend and its hash checked against the user's password under SECRET_KEY): at sign-in
(`user_logged_in`) and, lazily, when a JSON vote of a session without a valid row goes through the
full path. It records what that authentication depended on, so that the one SQL statement of the fast
path (consultation/fast_vote.py) can check in the database that it would still succeed:

- the session key, joined in SQL to `django_session` with `expire_date` later than now: a session
  signed out, flushed, erased, cleared or expired anywhere can no longer vote by this path;
- the user, joined in SQL to the account row: active, no staff flag, no role that requires a second
  factor (those people always take the full path, whose middleware asks for the second factor);
- a digest of the user's password hash at that time, compared in SQL with the current one: a new
  password (in another session, by a reset, by the admin, by erasure) ends the row, as it ends the
  session's hash, without any signal having to run;
- a fingerprint of SECRET_KEY, passed by the application: a rotated key ends every row (the full path
  then checks the session's hash against the fallbacks and writes a new row);
- the authentication backend the session names, passed the list of configured ones.

When any of these fails the fast path serves nothing and the full path answers as it always did.
Rows are deleted at sign-out (`user_logged_out`), with the account's erasure (personal-data registry,
accounts/erasure.py), and a person's rows whose session is gone are dropped whenever one of theirs is
written. Only PostgreSQL serves the fast path; the rows are written on any database (harmless).
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import DatabaseError, connection, models, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .roles import ROLES_REQUIRING_MFA, requires_second_factor

#: Session engines whose sessions all live in the `django_session` table (cached_db writes through).
DATABASE_SESSION_ENGINES = frozenset(
    {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}
)


class VoteSession(models.Model):
    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    password_digest = models.BinaryField(max_length=32)
    key_fingerprint = models.BinaryField(max_length=32)
    backend = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "accounts"
        db_table = "accounts_votesession"

    def __str__(self) -> str:
        return f"vote session of {self.user_id}"


def password_digest(password_hash: str) -> bytes:
    """SHA-256 of the password hash (never the hash itself: no second copy of it). The SQL side is
    `sha256(convert_to(u.password, 'UTF8'))`."""
    return hashlib.sha256(password_hash.encode()).digest()


@functools.lru_cache(maxsize=4)
def _fingerprint(secret_key: str) -> bytes:
    return salted_hmac("pacte.vote-session", "", secret=secret_key, algorithm="sha256").digest()


def key_fingerprint() -> bytes:
    """Names the current SECRET_KEY without revealing anything of it (an HMAC of a constant under it)."""
    return _fingerprint(settings.SECRET_KEY)


def enabled() -> bool:
    return connection.vendor == "postgresql" and settings.SESSION_ENGINE in DATABASE_SESSION_ENGINES


def eligible(user) -> bool:
    """Who the fast path may serve; the SQL of `AUTHENTICATED` checks the same on the live rows."""
    signed_in = getattr(user, "is_authenticated", False)
    return bool(signed_in and user.is_active and not requires_second_factor(user))


def remember(request, user) -> None:
    """Record that `request`'s session was just authenticated for `user` by the full path. Called only
    after Django's own checks passed (sign-in, or `request.user` resolved by AuthenticationMiddleware)."""
    session = getattr(request, "session", None)
    if session is None or not enabled() or not eligible(user):
        return
    if session.session_key is None:  # not saved yet: the next JSON vote writes the row
        return
    backend = session.get(BACKEND_SESSION_KEY, "")
    table = VoteSession._meta.db_table
    now = timezone.now()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                # Table name from the model.
                f"INSERT INTO {table} AS vs "  # noqa: S608
                "(session_key, user_id, password_digest, key_fingerprint, backend, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (session_key) DO UPDATE SET "
                "user_id = EXCLUDED.user_id, password_digest = EXCLUDED.password_digest, "
                "key_fingerprint = EXCLUDED.key_fingerprint, backend = EXCLUDED.backend, "
                "created_at = EXCLUDED.created_at",
                [session.session_key, user.pk, password_digest(user.password), key_fingerprint()]
                + [backend, now],
            )
            cursor.execute(
                f"DELETE FROM {table} vs WHERE vs.user_id = %s AND vs.session_key <> %s "  # noqa: S608
                "AND NOT EXISTS (SELECT FROM django_session s WHERE s.session_key = vs.session_key "
                "AND s.expire_date > %s)",
                [user.pk, session.session_key, now],
            )
    except DatabaseError:  # e.g. the account was erased meanwhile: no row, the full path goes on
        return


def forget(session_key: str | None) -> None:
    if session_key:
        VoteSession.objects.filter(session_key=session_key).delete()


def purge(now=None) -> int:
    """Delete the rows whose session is gone or expired (they can serve nothing any more): the daily
    `consultation.purge_vote_state` task. Returns how many went."""
    table = VoteSession._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} vs WHERE NOT EXISTS (SELECT FROM django_session s "  # noqa: S608
            "WHERE s.session_key = vs.session_key AND s.expire_date > %s)",
            [now or timezone.now()],
        )
        return cursor.rowcount


def forget_user(user, keep_pseudonymous: bool = False) -> None:
    """Erasure (accounts/erasure.py): every vote session of the person."""
    VoteSession.objects.filter(user_id=user.pk).delete()


#: The fast path's authentication, a CTE body with one column, `user_id`, and one row when the session
#: `%(session_key)s` was authenticated by the full path and nothing it depended on changed since.
AUTHENTICATED = (
    "SELECT vs.user_id FROM accounts_votesession vs "
    "JOIN django_session s ON s.session_key = vs.session_key AND s.expire_date > %(now)s "
    "JOIN accounts_user u ON u.id = vs.user_id "
    "WHERE vs.session_key = %(session_key)s AND vs.key_fingerprint = %(key_fingerprint)s "
    "AND vs.backend = ANY(%(backends)s::text[]) "
    "AND vs.password_digest = sha256(convert_to(u.password, 'UTF8')) "
    "AND u.is_active AND NOT u.is_staff AND NOT u.is_superuser "
    "AND NOT EXISTS (SELECT FROM accounts_user_groups ug JOIN auth_group g ON g.id = ug.group_id "
    "WHERE ug.user_id = u.id AND g.name = ANY(%(mfa_roles)s::text[]))"
)


def authenticated_params(session_key: str, now) -> dict:
    return {
        "session_key": session_key,
        "now": now,
        "key_fingerprint": key_fingerprint(),
        "backends": list(settings.AUTHENTICATION_BACKENDS),
        "mfa_roles": sorted(str(role) for role in ROLES_REQUIRING_MFA),
    }


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    if request is not None:
        remember(request, user)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        forget(session.session_key)
