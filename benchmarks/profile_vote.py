"""Where a vote's CPU goes, next to an empty request's: N votes and N GET /healthz called in process
through the production WSGI application (every middleware of config/settings.py, cached_db sessions,
Redis cache, PostgreSQL), with the same cookies and headers as benchmarks/load_votes.py sends.

Prints, for each kind of request, the CPU time of this thread per request without tracing (the thread's
CPU, so database and Redis waits are left out and the figure hardly moves with the machine's load), the
CPU of the PostgreSQL backend that served them and the WAL they wrote, then a table of exclusive CPU per
request per step: each middleware (request and response phases together), URL resolution, the session load
and save, the cached user, the CSRF check, SQL and Redis client work, the vote's own steps. The traced
table adds the tracer's own cost (about 1 us per step), so its total is higher than the untraced figure.
``--only vote --requests N`` runs N untraced votes after the warm-up and nothing else: under ``valgrind
--tool=callgrind``, the instructions of N = 1000 less those of N = 0, over 1000, are a vote's
instructions, a count the machine's load does not move. ``--callgrind-phases --requests N`` under
callgrind dumps N votes and N healthz (twice each) in files of their own (``callgrind_control``): no
set-up in the counts, so no subtraction and its noise.
``--per-transaction 1,10,50`` runs the fast vote's statement itself, K votes per transaction, and prints the
backend's CPU per vote for each K beside ``SELECT 1``: what a vote's statement and the end of its transaction
cost PostgreSQL (docs/decisions/0019-vote-without-redis.md).

Uses the benchmark's database and Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL, as load_votes.py).

Run: ``.venv/bin/python benchmarks/profile_vote.py --requests 2000``.
"""

import argparse
import functools
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import load_votes  # noqa: E402

_totals: dict[str, int] = defaultdict(int)
_calls: dict[str, int] = defaultdict(int)
_stack: list[list] = []  # [label, start, children]
_clock = time.thread_time_ns


def traced(label: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        frame = [label, _clock(), 0]
        _stack.append(frame)
        try:
            return fn(*args, **kwargs)
        finally:
            elapsed = _clock() - frame[1]
            _stack.pop()
            _totals[label] += elapsed - frame[2]
            _calls[label] += 1
            if _stack:
                _stack[-1][2] += elapsed

    wrapper._traced = True
    return wrapper


def trace(owner, name: str, label: str) -> None:
    fn = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name)
    if fn is None:
        fn = getattr(owner, name)
    if getattr(fn, "_traced", False):
        return
    if isinstance(fn, staticmethod):
        setattr(owner, name, staticmethod(traced(label, fn.__func__)))
    else:
        setattr(owner, name, traced(label, fn))


def _install_tracing(handler) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user as auth_get_user  # noqa: F401
    from django.contrib.sessions.backends import cached_db
    from django.core.handlers import base
    from django.db.backends import utils as db_utils
    from django.utils.module_loading import import_string
    from redis import client as redis_client

    import accounts.backends
    import accounts.permissions
    import config.views
    import consultation.ratelimit
    import consultation.selectors
    import consultation.services.votes as votes
    import consultation.sql
    import consultation.views.vote
    import consultation.vote_limit
    from consultation import fast_vote, hooks

    vote_view = sys.modules["consultation.views.vote"]  # the package's `vote` is the view function

    for path in settings.MIDDLEWARE:
        cls = import_string(path)
        short = cls.__name__
        trace(cls, "__call__", f"mw {short}") if "__call__" in cls.__dict__ else None
        for method in ("process_request", "process_response", "process_view"):
            if method in cls.__dict__:
                trace(cls, method, f"mw {short}" if method != "process_view" else f"mw {short}.process_view")
    # MiddlewareMixin.__call__ (shared by most): its own work is counted against the caller's label.
    trace(base.BaseHandler, "resolve_request", "URL resolution")
    # BaseHandler._get_response is bound into the chain at load: its own work (process_view loop, the view
    # call) counts against the innermost middleware's label (DatabaseBusyMiddleware).
    trace(cached_db.SessionStore, "load", "session load (cache, db fallback)")
    trace(cached_db.SessionStore, "save", "session save")
    trace(accounts.backends.CachedUserMixin, "get_user", "cached user (backend.get_user)")
    import django.contrib.auth as auth

    auth.get_user = traced("auth.get_user (session hash check)", auth.get_user)
    import django.contrib.auth.middleware as auth_mw

    auth_mw.auth.get_user = auth.get_user
    trace(db_utils.CursorWrapper, "_execute", "SQL via Django cursor (client CPU)")
    consultation.sql.fetch_one = traced("SQL prepared statement (client CPU)", consultation.sql.fetch_one)
    votes.sql = consultation.sql
    consultation.selectors.sql = consultation.sql
    trace(redis_client.Redis, "execute_command", "Redis command (client CPU)")
    trace(redis_client.Pipeline, "execute", "Redis pipeline (client CPU)")
    trace(accounts.permissions, "decide", "permission rule (decide)")
    vote_view.selectors.vote_target = traced("view: vote_target", consultation.selectors.vote_target)
    vote_view.is_rate_limited = traced("view: rate limit", consultation.ratelimit.is_rate_limited)
    vote_view.vote_limit.hit = traced("view: rate limit (PostgreSQL)", consultation.vote_limit.hit)
    fast_vote._valid_value = traced("fast path: read the value", fast_vote._valid_value)
    fast_vote._statement = traced("fast path: statement and parameters", fast_vote._statement)
    trace(fast_vote.FastVoteMiddleware, "_answer", "fast path: JSON answer and headers")
    vote_view._vote_value = traced("view: read the value", vote_view._vote_value)
    vote_view._valid_value = traced("view: read the value", vote_view._valid_value)
    vote_view.services.cast_vote = traced("service: cast_vote", votes.cast_vote)
    vote_view.services.try_cast_vote = traced("service: try_cast_vote (one statement)", votes.try_cast_vote)
    votes._accepted_charters = traced("service: _accepted_charters", votes._accepted_charters)
    votes._check_can_contribute = traced("service: _check_can_contribute", votes._check_can_contribute)
    votes._store_vote = traced("service: _store_vote", votes._store_vote)
    votes.participant_key_for = traced("service: participant_key_for", votes.participant_key_for)
    hooks.votes_changed = traced("hook: votes_changed (on commit)", hooks.votes_changed)
    vote_view.JsonResponse = traced("view: JsonResponse", vote_view.JsonResponse)
    config.views.JsonResponse = traced("healthz: JsonResponse", config.views.JsonResponse)
    trace(handler.__class__, "__call__", "WSGI handler (request object, response start)")


def _environ(method: str, path: str, session: str, csrf: str, body: bytes = b"") -> dict:
    import io

    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": str(load_votes.PORT),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": f"{load_votes.HOST}:{load_votes.PORT}",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if method == "POST":
        env.update(
            HTTP_COOKIE=f"sessionid={session}; csrftoken={csrf}",
            HTTP_X_CSRFTOKEN=csrf,
            HTTP_ACCEPT="application/json",
            CONTENT_TYPE="application/x-www-form-urlencoded",
            CONTENT_LENGTH=str(len(body)),
        )
    return env


def _database_reading() -> tuple[float, int]:
    """(CPU us used so far by the PostgreSQL backend of this thread's connection, WAL position in bytes):
    the single client's database work, which the load of other programs hardly moves."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')")
        pid, wal = cursor.fetchone()
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:  # PostgreSQL on another machine: its CPU is not readable from here
        return float("nan"), int(wal)
    return (int(fields[11]) + int(fields[12])) * 1_000_000 / os.sysconf("SC_CLK_TCK"), int(wal)


def _callgrind_control(command: str) -> None:
    """Zero or dump this process's callgrind counters; returns once callgrind has done it."""
    import subprocess

    subprocess.run(["callgrind_control", command, str(os.getpid())], check=True, capture_output=True)


def _per_transaction(sizes: list[int], n: int, slug: str, ids: list[int], sessions: list[str]) -> None:
    """The fast vote's statement (consultation.fast_vote) executed on this thread's connection, `k` votes
    per transaction for each k of `sizes`, by the citizens whose vote sessions the warm-up wrote, with
    their limits raised so that every vote is written; prints the backend's CPU per vote, best of 3."""
    from django.db import transaction
    from django.utils import timezone

    from accounts import vote_sessions
    from accounts.models import ConsentRecord
    from consultation import fast_vote, sql, vote_limit
    from consultation.services.votes import target_params

    statement, base = fast_vote._statement()
    base.update(limit_user=10**9, limit_ip=10**9, charter=ConsentRecord.Purpose.CHARTER.value)
    base.update(ip_key=vote_limit.ip_key("127.0.0.1"))

    def votes(k: int, check: bool = True) -> float:
        before, _wal = _database_reading()
        for start in range(0, n - n % k, k):
            with transaction.atomic():
                for i in range(start, start + k):
                    params = {
                        **base,
                        **vote_sessions.authenticated_params(sessions[i % len(sessions)], timezone.now()),
                    }
                    params.update(
                        target_params(
                            slug=slug, proposal_id=ids[i % len(ids)], value=i % 3 - 1, now=params["now"]
                        )
                    )
                    written = (sql.fetch_one(statement, params) or (None, None, False))[2]
                    if check and written is not True:
                        raise SystemExit("a vote was not written: the figures would not be a vote's")
        return (_database_reading()[0] - before) / (n - n % k)

    def select_one(_k: int) -> float:
        before, _wal = _database_reading()
        for _i in range(n):
            sql.fetch_one("SELECT 1", {})
        return (_database_reading()[0] - before) / n

    # The warm-up voted at random: one pass first, after which each vote of a pass changes the stored one.
    votes(1, check=False)
    best: dict = {}
    for _round in range(3):
        for label, measure, k in [("SELECT 1", select_one, 1)] + [
            (f"{k} per transaction", votes, k) for k in sizes
        ]:
            us = measure(k)
            best[label] = min(best.get(label, us), us)
    print(f"PostgreSQL backend CPU per statement (best of 3 x {n}, the fast vote's, every vote written):")
    for label, us in best.items():
        print(f"  {label:20} {us:6.0f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="of each kind")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--no-trace", action="store_true", help="untraced figures only")
    parser.add_argument("--cprofile", help="write a cProfile of N traced-free votes to this file")
    parser.add_argument("--only", choices=("vote", "healthz"), help="N untraced requests of one kind")
    parser.add_argument(
        "--callgrind-phases",
        action="store_true",
        help="under callgrind: N votes, N healthz, twice, each zeroed before and dumped after "
        "(callgrind_control): instructions per request without the set-up's",
    )
    parser.add_argument(
        "--per-transaction",
        metavar="K,K,...",
        help="the fast path's statement run directly, K votes per transaction: the PostgreSQL backend's CPU "
        "per vote for each K, beside SELECT 1 (what the end of a transaction costs, decision 0019)",
    )
    args = parser.parse_args()
    load_votes._create_database()
    import subprocess

    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=load_votes._environment(),
        check=True,
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    slug, ids, clients = load_votes._setup(args.users)
    import random

    import config.wsgi

    application = config.wsgi.application
    rng = random.Random(0)

    def vote_env(i):
        session, csrf = clients[i % len(clients)]
        value = ("agree", "disagree", "pass")[rng.randrange(3)]
        path = f"/consultations/{slug}/propositions/{rng.choice(ids)}/vote/"
        return _environ("POST", path, session, csrf, f"value={value}".encode())

    def health_env(_i):
        return _environ("GET", "/healthz", "", "")

    statuses: dict = defaultdict(int)

    def start_response(status, headers, exc_info=None):
        statuses[status[:3]] += 1

    database: dict = defaultdict(list)  # kind -> [(backend CPU us, WAL bytes) per request, per run]

    def run(make_env, n: int, kind: str | None = None) -> float:
        envs = [make_env(i) for i in range(n)]
        database_before = _database_reading()
        started = _clock()
        for env in envs:
            response = application(env, start_response)
            b"".join(response)
            response.close()
        spent = (_clock() - started) / n / 1000
        if kind:
            (cpu_before, wal_before), (cpu_after, wal_after) = database_before, _database_reading()
            database[kind].append(((cpu_after - cpu_before) / n, (wal_after - wal_before) / n))
        return spent

    # Warm-up: connections, prepared statements, cached users and sessions.
    run(vote_env, 200)
    run(health_env, 200)
    if args.per_transaction:
        sizes = [int(k) for k in args.per_transaction.split(",")]
        _per_transaction(sizes, args.requests, slug, ids, [session for session, _csrf in clients])
        return
    if args.cprofile:
        import cProfile

        envs = [vote_env(i) for i in range(args.requests)]
        profiler = cProfile.Profile()  # wall clock: a CPU clock is a system call per event
        profiler.enable()
        for env in envs:
            response = application(env, start_response)
            b"".join(response)
            response.close()
        profiler.disable()
        profiler.dump_stats(args.cprofile)
        return
    if args.callgrind_phases:  # under callgrind: each phase's instructions in a dump of its own
        for _round in range(2):
            for kind, make_env in (("vote", vote_env), ("healthz", health_env)):
                envs = [make_env(i) for i in range(args.requests)]
                _callgrind_control("--zero")
                for env in envs:
                    response = application(env, start_response)
                    b"".join(response)
                    response.close()
                _callgrind_control(f"--dump={kind}")
        print("statuses:", dict(statuses))
        return
    if args.only:  # for callgrind: instructions of N requests of one kind, less those of N = 0
        run(vote_env if args.only == "vote" else health_env, args.requests)
        print("statuses:", dict(statuses))
        return
    figures = {}
    for _round in range(3):  # alternate, keep the best of each (the least disturbed by other programs)
        for kind, make_env in (("vote", vote_env), ("healthz", health_env)):
            us = run(make_env, args.requests, kind)
            figures[kind] = min(figures.get(kind, us), us)
    print(f"untraced CPU per request (this thread, best of 3 x {args.requests}):")
    print(f"  vote    {figures['vote']:8.0f} us")
    print(f"  healthz {figures['healthz']:8.0f} us")
    print(f"  ratio healthz/vote {figures['healthz'] / figures['vote']:.2f}")
    print("PostgreSQL backend serving these requests, per request (best of 3; the WAL position is the whole")
    print("server's: other databases' writes meanwhile add to it, so the least of the 3 is kept too):")
    for kind in ("vote", "healthz"):
        cpu, wal = min(c for c, _w in database[kind]), min(w for _c, w in database[kind])
        print(f"  {kind:7} {cpu:8.0f} us CPU, {wal:6.0f} bytes of WAL")
    print("statuses:", dict(statuses))
    if args.no_trace:
        return
    _install_tracing(application)
    for kind, make_env in (("vote", vote_env), ("healthz", health_env)):
        _totals.clear()
        _calls.clear()
        n = args.requests
        total = run(make_env, n)
        print(f"\n{kind}: traced CPU per request {total:.0f} us; exclusive us per request by step:")
        for label, ns in sorted(_totals.items(), key=lambda kv: -kv[1]):
            print(f"  {ns / n / 1000:8.1f}  {label} ({_calls[label] / n:g} calls)")
        print(f"  {total - sum(_totals.values()) / n / 1000:8.1f}  (outside every traced step)")


if __name__ == "__main__":
    main()
