"""The vote's rate limit counted in PostgreSQL by both vote paths (docs/decisions/0019-vote-without-redis.md).

The limits are those of `PACTE_RATE_LIMITS["vote"]` (consultation/ratelimit.py: per user and per client
address, "<count>/<seconds>", a fixed window opened by the first hit), counted in one table instead of
Redis so that the vote's fast path (consultation/fast_vote.py) counts them inside its one statement,
and the full path counts in the same rows: one counter per person and per address, whichever path a
vote takes, never two that would add up to twice the limit. On another database (the embedded SQLite
runtime) the full path counts in the cache as before (`ratelimit.is_rate_limited`).

A window row per (action, scope, key): `hits` and when its window started; a hit after the window's
end opens a new one at 1 (what Redis' INCR on an expired key does). Keys: the user id for "user", a
digest of the address for "ip" (as in Redis: the address itself is never stored). On PostgreSQL the
table is UNLOGGED (migration 0012): counting writes no WAL, and a crash empties it, as a restart empties
the Redis this deployment runs without persistence; a window then opens again at 1.
"""

import functools

from django.db import connection, models

from . import sql
from .ratelimit import rates, window_key

ACTION = "vote"
_SCOPES = ("user", "ip")


class RateWindow(models.Model):
    action = models.CharField(max_length=32)
    scope = models.CharField(max_length=16)
    key = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    hits = models.IntegerField()
    seconds = models.IntegerField()
    hit_limit = models.IntegerField()

    class Meta:
        app_label = "consultation"
        constraints = [models.UniqueConstraint(fields=["action", "scope", "key"], name="rate_window_key")]

    def __str__(self) -> str:
        return f"{self.action} {self.scope} {self.hits}/{self.hit_limit}"


@functools.cache
def _counting(scopes: tuple[str, ...], user_source: str) -> str:
    """A data-modifying CTE body counting one hit in each window of `scopes`, for the user of
    `user_source` (a FROM item with a `user_id` column: no row, nothing counted). Returns one row per
    window: `over`, whether it is now over its limit."""
    table = RateWindow._meta.db_table
    rows = ", ".join(
        f"('{scope}', {'auth.user_id::text' if scope == 'user' else '%(ip_key)s'}, "
        f"%(limit_{scope})s::int, %(seconds_{scope})s::int)"
        for scope in scopes
    )
    opened = "w.started_at + make_interval(secs => w.seconds) <= EXCLUDED.started_at"
    return (
        # Table name from the model, scopes from _SCOPES: no outside text in the statement.
        f"INSERT INTO {table} AS w (action, scope, key, started_at, hits, seconds, hit_limit) "  # noqa: S608
        f"SELECT '{ACTION}', v.scope, v.key, %(now)s, 1, v.seconds, v.hit_limit FROM {user_source} "
        f"CROSS JOIN LATERAL (VALUES {rows}) AS v(scope, key, hit_limit, seconds) "
        "ON CONFLICT (action, scope, key) DO UPDATE SET "
        f"started_at = CASE WHEN {opened} THEN EXCLUDED.started_at ELSE w.started_at END, "
        f"hits = CASE WHEN {opened} THEN 1 ELSE w.hits + 1 END, "
        "seconds = EXCLUDED.seconds, hit_limit = EXCLUDED.hit_limit "
        "RETURNING w.hits > w.hit_limit AS over"
    )


def counting_cte(user_source: str) -> tuple[str, dict]:
    """(CTE body, its parameters but `ip_key` and `now`) for the limits in force. With no limit of the
    vote configured, a CTE with no row."""
    configured = [(scope, limit, seconds) for scope, limit, seconds in rates(ACTION) if scope in _SCOPES]
    if not configured:
        return "SELECT FALSE AS over WHERE FALSE", {}
    params = {}
    for scope, limit, seconds in configured:
        params[f"limit_{scope}"], params[f"seconds_{scope}"] = limit, seconds
    return _counting(tuple(scope for scope, _limit, _seconds in configured), user_source), params


def ip_key(address: str) -> str:
    """The address's window key, a digest as in the cache (ratelimit.window_key)."""
    return window_key(ACTION, "ip", address).rsplit(":", 1)[1]


def hit(*, user_id: int, address: str, now) -> bool:
    """Count one vote attempt of `user_id` from `address`; True when over either limit (the full path)."""
    cte, params = counting_cte("(SELECT %(user)s::bigint AS user_id) AS auth")
    params.update(user=user_id, ip_key=ip_key(address), now=now)
    statement = f"WITH hits AS ({cte}) SELECT COALESCE(bool_or(over), FALSE) FROM hits"  # noqa: S608
    row = sql.fetch_one(statement, params)
    return bool(row and row[0])


def purge(now) -> int:
    """Delete the windows that have ended (a hit would open a new one anyway): the daily
    `consultation.purge_vote_state` task, so that an address's digest is not kept past its window."""
    table = RateWindow._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE started_at + make_interval(secs => seconds) <= %s",  # noqa: S608
            [now],
        )
        return cursor.rowcount


def forget_user(user, keep_pseudonymous: bool = False) -> None:
    """Erasure: the person's own windows (an address's windows are digests, and name no one)."""
    RateWindow.objects.filter(scope="user", key=str(user.pk)).delete()
