"""The vote's rate limit counted in PostgreSQL by both vote paths (docs/decisions/0019-vote-without-redis.md).

The limits are those of `PACTE_RATE_LIMITS["vote"]` (consultation/ratelimit.py: per user and per client
address, "<count>/<seconds>", a fixed window opened by the first hit), counted in one table instead of
Redis so that the vote's fast path (consultation/fast_vote.py) counts them inside its one statement,
and the full path counts in the same rows: one counter per person and per address, whichever path a
vote takes, never two that would add up to twice the limit. On another database (the embedded SQLite
runtime) the full path counts in the cache as before (`ratelimit.is_rate_limited`).

A window row per (action, scope, key, shard): `hits` and when its window started; a hit after the
window's end opens a new one at 1 (what Redis' INCR on an expired key does). Keys: the user id for
"user", a digest of the address for "ip" (as in Redis: the address itself is never stored).

An address's window is split into `PACTE_VOTE_ADDRESS_SHARDS` rows (16), one per `user id % shards`, and
its count is their sum. Many people vote from one address (a library, an office behind a proxy, a mobile
operator's shared address): in one row, every vote from it waited for the previous one's commit to update
the row (a row lock held until commit), which doubled PostgreSQL's CPU per vote under load (measured in
docs/decisions/0019). A vote now locks only its shard; the other shards are read, not locked, as of the
statement's start, so simultaneous votes from one address may pass the limit by at most one per shard at
its edge: a rate limit, not an account. A person's own window stays one row (their votes are theirs).

On PostgreSQL the table is UNLOGGED (migration 0012): counting writes no WAL, and a crash empties it, as a
restart empties the Redis this deployment runs without persistence; a window then opens again at 1.
"""

import functools

from django.conf import settings
from django.db import connection, models

from . import sql
from .ratelimit import rates, window_key

ACTION = "vote"
_SCOPES = ("user", "ip")


class RateWindow(models.Model):
    action = models.CharField(max_length=32)
    scope = models.CharField(max_length=16)
    key = models.CharField(max_length=64)
    shard = models.SmallIntegerField(default=0)
    started_at = models.DateTimeField()
    hits = models.IntegerField()
    seconds = models.IntegerField()
    hit_limit = models.IntegerField()

    class Meta:
        app_label = "consultation"
        constraints = [
            models.UniqueConstraint(fields=["action", "scope", "key", "shard"], name="rate_window_shard_key")
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.scope} {self.hits}/{self.hit_limit}"


@functools.cache
def _counting(scopes: tuple[str, ...], user_source: str) -> str:
    """Data-modifying CTEs counting one hit in each window of `scopes`, for the user of `user_source` (a
    FROM item with a `user_id` column: no row, nothing counted): `counted` adds the hit to the person's
    window and to their shard of the address's, `hits` returns one row per window: `over`, whether the
    window (all of an address's shards together) is now over its limit."""
    table = RateWindow._meta.db_table
    rows = ", ".join(
        f"('{scope}', {'auth.user_id::text' if scope == 'user' else '%(ip_key)s'}, "
        f"{'0' if scope == 'user' else '(auth.user_id %% %(address_shards)s::int)::int'}, "
        f"%(limit_{scope})s::int, %(seconds_{scope})s::int)"
        for scope in scopes
    )
    opened = "w.started_at + make_interval(secs => w.seconds) <= EXCLUDED.started_at"
    # The other shards of the same window, as the statement found them (read, not locked), if still open.
    others = (
        f"SELECT COALESCE(sum(o.hits), 0) FROM {table} o WHERE o.action = c.action "  # noqa: S608
        "AND o.scope = c.scope AND o.key = c.key AND o.shard <> c.shard "
        "AND o.started_at + make_interval(secs => o.seconds) > %(now)s"
    )
    return (
        # Table name from the model, scopes from _SCOPES: no outside text in the statement.
        f"counted AS (INSERT INTO {table} AS w "  # noqa: S608
        "(action, scope, key, shard, started_at, hits, seconds, hit_limit) "
        f"SELECT '{ACTION}', v.scope, v.key, v.shard, %(now)s, 1, v.seconds, v.hit_limit FROM {user_source} "
        f"CROSS JOIN LATERAL (VALUES {rows}) AS v(scope, key, shard, hit_limit, seconds) "
        "ON CONFLICT (action, scope, key, shard) DO UPDATE SET "
        f"started_at = CASE WHEN {opened} THEN EXCLUDED.started_at ELSE w.started_at END, "
        f"hits = CASE WHEN {opened} THEN 1 ELSE w.hits + 1 END, "
        "seconds = EXCLUDED.seconds, hit_limit = EXCLUDED.hit_limit "
        "RETURNING w.action, w.scope, w.key, w.shard, w.hits, w.hit_limit), "
        f"hits AS (SELECT c.hits + ({others}) > c.hit_limit AS over FROM counted c)"
    )


def counting_ctes(user_source: str) -> tuple[str, dict]:
    """(CTE definitions ending with `hits`, their parameters but `ip_key` and `now`) for the limits in
    force: `hits` has one row per window, `over` when it is over its limit. With no limit of the vote
    configured, a `hits` with no row."""
    configured = [(scope, limit, seconds) for scope, limit, seconds in rates(ACTION) if scope in _SCOPES]
    if not configured:
        return "hits AS (SELECT FALSE AS over WHERE FALSE)", {}
    # The sum reads every shard there is, so a changed number of shards counts the rows of the old one.
    params = {"address_shards": max(1, settings.PACTE_VOTE_ADDRESS_SHARDS)}
    for scope, limit, seconds in configured:
        params[f"limit_{scope}"], params[f"seconds_{scope}"] = limit, seconds
    return _counting(tuple(scope for scope, _limit, _seconds in configured), user_source), params


def ip_key(address: str) -> str:
    """The address's window key, a digest as in the cache (ratelimit.window_key)."""
    return window_key(ACTION, "ip", address).rsplit(":", 1)[1]


def hit(*, user_id: int, address: str, now) -> bool:
    """Count one vote attempt of `user_id` from `address`; True when over either limit (the full path)."""
    ctes, params = counting_ctes("(SELECT %(user)s::bigint AS user_id) AS auth")
    params.update(user=user_id, ip_key=ip_key(address), now=now)
    statement = f"WITH {ctes} SELECT COALESCE(bool_or(over), FALSE) FROM hits"  # noqa: S608
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
