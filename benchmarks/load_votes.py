"""Load test of voting: concurrent citizens vote (and change their votes) through HTTP.

Measures, in one run: votes acknowledged per second, 95th-percentile latency, and whether every
acknowledged vote is stored exactly once with the last value acknowledged (lost, duplicated) and the
proposal counters equal the vote rows.

Setup: migrates the PostgreSQL database ``pacte_consultation_bench`` (created if missing; override with
BENCH_DATABASE_URL), creates N citizens who accepted the charter, an open consultation with 200
proposals and one session per citizen; starts gunicorn with the production settings
(config/gunicorn.py; --workers, --threads, --worker-class, --keep-alive override them) on
127.0.0.1:8101; N client threads then POST to the vote view with ``Accept: application/json`` until
the time is up (or 200,000 requests), each on one connection that it reopens when the server closes it
(as a reverse proxy does towards gunicorn). The first ``--warmup`` seconds (default 5) of votes are
checked like the others but not counted in the figures: each worker thread opens its database
connection and prepares its statements then.
Rate limits are raised for the run (one IP, votes faster than a person clicks); they are still counted,
as in production (in PostgreSQL since docs/decisions/0019: every vote of the run updates the one
address's window row). The sessions are made without a sign-in, so each citizen's first vote takes the
full path, which writes the vote session its later votes use (during the warm-up).

Side by side in the same run: GET /healthz throughput with the same clients and server (the ceiling of a
minimal Django request on this machine), and the ratio of votes/s to it; and the CPU time that gunicorn's
workers, PostgreSQL (this database's backends and the shared background processes) and the client threads
spent per acknowledged vote and per health check: where the ratio's milliseconds go, figures that move
less than throughput and latency when other programs load the machine. They do move with the machine's own
speed, which varied 2.5-fold between days on the same kind of 2-core machine: ``machine_loop_ms`` (best
time of ``sum(range(10**6))``, the slower of before and after the run) says how fast this one was.

By default each user votes again as soon as answered (closed loop): votes/s is then the saturation
throughput and, by Little's law, the mean latency is users / votes/s. With ``--rate R`` the users
together offer R votes/s at a steady pace (open loop), and the latencies are those at that load,
counted from when each vote was due.

Run: ``.venv/bin/python benchmarks/load_votes.py --users 50 --seconds 30 [--rate 300]``. Prints one JSON
line.
"""

import argparse
import http.client
import json
import os
import random
import re
import resource
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST, PORT = "127.0.0.1", 8101
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pacte_consultation_bench")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
MAX_REQUESTS = 200_000
PROPOSALS = 200


def _environment() -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=DB_URL,
        REDIS_URL=REDIS,
        DJANGO_DEBUG="0",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_CONN_MAX_AGE="600",
        PACTE_RATE_VOTE_USER="1000000/60",
        PACTE_RATE_VOTE_IP="1000000/60",
    )
    return env


def _create_database() -> None:
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    with psycopg.connect(DB_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup(users: int) -> tuple[str, list[int], list[tuple[str, str]]]:
    """Fresh consultation, citizens and sessions. Returns (slug, proposal ids, [(session, csrf)])."""
    os.environ.update(_environment())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User
    from consultation import services

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    from consultation.models import Consultation, Proposal

    slug = f"bench-{secrets.token_hex(3)}"
    consultation = services.create_consultation(actor=None, slug=slug, title_fr="Banc d'essai des votes")
    services.transition(actor=None, consultation=consultation, to_phase=Consultation.Phase.OPEN)
    Proposal.objects.bulk_create(
        Proposal(consultation=consultation, text=f"Proposition de test numéro {i}", author_key="bench")
        for i in range(PROPOSALS)
    )
    ids = list(consultation.proposals.values_list("id", flat=True))
    clients = []
    for i in range(users):
        user = User.objects.create_user(email=f"bench-{slug}-{i}@bench.invalid", password=None)
        services.accept_charter(user=user, consultation=consultation)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        clients.append((session.session_key, secrets.token_hex(16)))
    return slug, ids, clients


def _start_server(overrides: list[str]) -> subprocess.Popen:
    """gunicorn with the production settings (config/gunicorn.py), on the benchmark's port."""
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "config" / "gunicorn.py"), "config.wsgi",
         "--bind", f"{HOST}:{PORT}", "--log-level", "warning", *overrides],
        cwd=ROOT, env=_environment(), start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, PORT, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not answer on /healthz within 30 s")


def _citizen(slug, ids, session, csrf, stop_at, budget, seed, out, interval=None):
    """One citizen: sequential votes on one connection (reopened when the server closes it); results
    go to out[seed]. With `interval` (seconds), votes are due at a fixed pace and each latency counts
    from when its vote was due, so a slow answer also delays (and counts against) the next ones."""
    rng = random.Random(seed)
    due = time.perf_counter() + (rng.uniform(0, interval) if interval else 0)
    conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    latencies, acked, last, errors = [], 0, {}, Counter()
    while time.monotonic() < stop_at and budget.acquire(blocking=False):
        proposal = rng.choice(ids)
        value = rng.choice(("agree", "disagree", "pass"))
        if interval:
            time.sleep(max(0.0, due - time.perf_counter()))
            start, due = due, due + interval
        else:
            start = time.perf_counter()
        try:
            conn.request(
                "POST", f"/consultations/{slug}/propositions/{proposal}/vote/", f"value={value}", headers
            )
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            errors[type(exc).__name__] += 1
            conn.close()
            conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
            continue
        latencies.append((time.perf_counter() - start) * 1000)
        if response.status == 200:
            acked += 1
            last[proposal] = value
        else:
            errors[response.status] += 1
    conn.close()
    out[seed] = (latencies, acked, last, errors)


def _baseline(stop_at, seed, out):
    """Same client pattern on GET /healthz (one database query, no session): the machine's ceiling
    for a minimal Django request, measured in the same run for the ratio."""
    conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
    done = 0
    while time.monotonic() < stop_at:
        try:
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            done += 1
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
    conn.close()
    out[seed] = done


def _processes(server: subprocess.Popen) -> dict:
    """CPU ticks (user + system) used so far, by process: gunicorn's workers ("server"), and the
    PostgreSQL processes that serve this benchmark ("database"): the backends connected to its database
    and the shared background processes (WAL writer, checkpointer, autovacuum...), not the backends of
    other databases, so that tests running meanwhile on this machine's PostgreSQL are not counted."""
    database = DB_URL.rsplit("/", 1)[1]
    readings = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                name, fields = stat.read().split(" (", 1)[1].rsplit(")", 1)
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                title = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = fields.split()
        ticks = int(fields[11]) + int(fields[12])
        if int(fields[1]) == server.pid:  # the parent pid field: a worker of this server
            readings[pid] = ("server", ticks)
        elif name.startswith("postgres") and (f" {database} " in title or not _is_backend(title)):
            readings[pid] = ("database", ticks)
    return readings


def _is_backend(title: str) -> bool:
    """A PostgreSQL process serving a client ("postgres: 15/main: user db 127.0.0.1(5432) idle")."""
    return "[local]" in title or re.search(r" [0-9a-f.:]+\(\d+\)", title) is not None


def _client_cpu_seconds() -> float:
    """CPU time (user + system) of this process: the client threads' share of the machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _reading(server: subprocess.Popen) -> tuple[dict, float]:
    return _processes(server), _client_cpu_seconds()


def _cpu_spent(before, after) -> dict:
    """Seconds of CPU spent between two `_reading`s, by part: a process counts what it used since the
    first reading (all of it if it started since), one that ended meanwhile is not counted."""
    (processes_0, client_0), (processes_1, client_1) = before, after
    spent = {"server": 0.0, "database": 0.0, "client": client_1 - client_0}
    for pid, (part, ticks) in processes_1.items():
        spent[part] += (ticks - processes_0.get(pid, (part, 0))[1]) / os.sysconf("SC_CLK_TCK")
    return spent


def _machine_speed_ms() -> float:
    """Best of 5 timings of a fixed pure-Python loop, in ms. The same code, measured on the same kind of
    machine, ran 2.8 ms and 8.6 ms of server CPU per vote on different days (same 4.4 M instructions per
    vote in process, counted with callgrind): every run prints the machine's speed next to its figures."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        sum(range(1_000_000))
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def _per_request(seconds: float, requests: int) -> float | None:
    return round(1000 * seconds / requests, 2) if requests else None


def _run_threads(target, argument_lists) -> float:
    threads = [threading.Thread(target=target, args=args) for args in argument_lists]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5, help="seconds of votes before measuring")
    parser.add_argument(
        "--rate",
        type=float,
        help="votes per second offered by all users together (open loop); default: each user votes again "
        "as soon as answered (closed loop: the server's saturation throughput)",
    )
    # Defaults: those of config/gunicorn.py (what production runs); these options override them.
    parser.add_argument("--workers", type=int, help="gunicorn processes")
    parser.add_argument("--threads", type=int, help="threads per gunicorn process")
    parser.add_argument("--worker-class", help="gunicorn worker class")
    parser.add_argument(
        "--keep-alive", type=int, help="gunicorn keep-alive seconds (0: one request per connection)"
    )
    args = parser.parse_args()
    _create_database()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=_environment(), check=True
    )
    slug, ids, clients = _setup(args.users)
    overrides = [
        f"--{name.replace('_', '-')}={value}"
        for name, value in vars(args).items()
        if name in ("workers", "threads", "worker_class", "keep_alive") and value is not None
    ]
    speed_before = _machine_speed_ms()
    server = _start_server(overrides)
    try:
        baseline: dict = {}
        stop_at = time.monotonic() + min(5.0, args.seconds)
        before = _reading(server)
        baseline_elapsed = _run_threads(_baseline, [(stop_at, i, baseline) for i in range(len(clients))])
        healthz_cpu = _cpu_spent(before, _reading(server))
        healthz_per_s = sum(baseline.values()) / baseline_elapsed
        budget = threading.BoundedSemaphore(MAX_REQUESTS)
        interval = len(clients) / args.rate if args.rate else None
        # Warm-up: every worker thread opens its database connection and prepares its statements; these
        # votes are checked below (lost, duplicated) but not counted in the figures.
        warm_up: dict = {}
        stop_at = time.monotonic() + args.warmup
        _run_threads(
            _citizen,
            [(slug, ids, s, c, stop_at, budget, i, warm_up, interval) for i, (s, c) in enumerate(clients)],
        )
        results: dict = {}
        stop_at = time.monotonic() + args.seconds
        before = _reading(server)
        elapsed = _run_threads(
            _citizen,
            [(slug, ids, s, c, stop_at, budget, i, results, interval) for i, (s, c) in enumerate(clients)],
        )
        vote_cpu = _cpu_spent(before, _reading(server))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    machine_speed = max(speed_before, _machine_speed_ms())  # the slower of before and after the run
    from django.db.models import Count, Sum

    from consultation.models import Proposal, Vote

    latencies = sorted(lat for r in results.values() for lat in r[0])
    acknowledged = sum(r[1] for r in results.values())
    errors = sum((r[3] for phase in (warm_up, results) for r in phase.values()), Counter())
    from accounts.models import User

    expected = {}  # (participant key, proposal) -> last acknowledged value
    user_ids = dict(User.objects.filter(email__startswith=f"bench-{slug}-").values_list("email", "id"))
    for phase in (warm_up, results):  # the measured votes come after, and replace, the warm-up's
        for i, (_latencies, _acked, last, _errors) in phase.items():
            key = f"u{user_ids[f'bench-{slug}-{i}@bench.invalid']}"
            for proposal, value in last.items():
                expected[(key, proposal)] = {"agree": 1, "disagree": -1, "pass": 0}[value]
    votes = Vote.objects.filter(proposal__consultation__slug=slug)
    stored_rows = {(k, p): v for k, p, v in votes.values_list("participant_key", "proposal_id", "value")}
    duplicated = votes.count() - votes.values("participant_key", "proposal_id").distinct().count()
    lost = sum(1 for pair, value in expected.items() if stored_rows.get(pair) != value)
    counters = Proposal.objects.filter(consultation__slug=slug).aggregate(
        a=Sum("agree_count"), d=Sum("disagree_count"), p=Sum("pass_count")
    )
    by_value = dict(votes.values_list("value").annotate(n=Count("id")))
    counters_exact = (counters["a"], counters["d"], counters["p"]) == (
        by_value.get(1, 0),
        by_value.get(-1, 0),
        by_value.get(0, 0),
    )
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else None
    print(json.dumps({
        "votes_per_s": round(acknowledged / elapsed, 1),
        "healthz_per_s": round(healthz_per_s, 1),
        "votes_vs_healthz": round(acknowledged / elapsed / healthz_per_s, 2) if healthz_per_s else None,
        "p95_ms": round(p95, 1) if p95 is not None else None,
        "p50_ms": round(latencies[len(latencies) // 2], 1) if latencies else None,
        "server_cpu_ms_per_vote": _per_request(vote_cpu["server"], acknowledged),
        "database_cpu_ms_per_vote": _per_request(vote_cpu["database"], acknowledged),
        "client_cpu_ms_per_vote": _per_request(vote_cpu["client"], acknowledged),
        "server_cpu_ms_per_healthz": _per_request(healthz_cpu["server"], sum(baseline.values())),
        "database_cpu_ms_per_healthz": _per_request(healthz_cpu["database"], sum(baseline.values())),
        "client_cpu_ms_per_healthz": _per_request(healthz_cpu["client"], sum(baseline.values())),
        "acknowledged": acknowledged,
        "stored": len(stored_rows),
        "expected_rows": len(expected),
        "lost": lost,
        "duplicated": duplicated,
        "counters_exact": counters_exact,
        "errors": {str(k): v for k, v in errors.items()},
        "users": args.users,
        "offered_votes_per_s": args.rate,
        "warmup_s": args.warmup,
        "seconds": round(elapsed, 1),
        "machine_loop_ms": machine_speed,
        "server": " ".join(["gunicorn -c config/gunicorn.py", *overrides]) + f", {os.cpu_count()} cores",
    }))  # fmt: skip


if __name__ == "__main__":
    main()
