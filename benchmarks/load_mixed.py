"""Mixed load: citizens read pages, vote and propose at the same time while a broad-listening pipeline
runs on a Celery worker (issue #22).

Setup: migrates the PostgreSQL database ``pacte_mixed_bench`` (created if missing; BENCH_DATABASE_URL
overrides it; BENCH_REDIS_URL the Redis, default db 11), creates an open consultation holding the 146
proposals of the Convention Citoyenne pour le Climat (tests/data), N citizens who accepted its charter,
each with a session; starts gunicorn with the production settings (tests.helpers.gunicorn_server, 2
processes unless --workers) and one ``celery -A config worker`` process; starts a pipeline run on the
consultation (the bundled embedding model, as in production), then N client threads each loop for
--seconds on one connection: read a page (the consultation, or its proposals list) with probability
--read, vote on a random proposal (JSON) with --vote, propose a text of its own (the form's confirm
step) otherwise. Rate limits are raised for the run (one IP, clients faster than people).

Printed (one JSON line): per action, requests answered per second, p50 and p95 latency in ms, and the
errors; the pipeline's status and duration; the machine's speed (``machine_loop_ms``, as in
load_votes.py) and load average before the run (other programs on the cores slow every figure); and,
counted from the database after the run:
``lost`` (an acknowledged vote whose last value is not stored, or an acknowledged proposal not stored)
and ``duplicated`` (two rows for one citizen's vote on a proposal, two proposals for one submission, a
contribution placed twice in the run). Both must be 0. Figures, not assertions: not in CI.

Run: ``.venv/bin/python benchmarks/load_mixed.py --users 30 --seconds 60``.
"""

import argparse
import http.client
import json
import os
import random
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
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pacte_mixed_bench")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
ACTIONS = ("read", "vote", "propose")


def _environment() -> dict:
    return {
        "DATABASE_URL": DB_URL,
        "REDIS_URL": REDIS,
        "DJANGO_DEBUG": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "600",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PACTE_RATE_VOTE_USER": "1000000/60",
        "PACTE_RATE_VOTE_IP": "1000000/60",
        "PACTE_RATE_PROPOSAL_USER": "1000000/60",
        "PACTE_RATE_PROPOSAL_IP": "1000000/60",
    }


def _create_database() -> None:
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    with psycopg.connect(DB_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup(users: int):
    """Fresh consultation with the CCC proposals, citizens and their sessions."""
    os.environ.update(_environment())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User
    from consultation import services
    from consultation.models import Consultation, Proposal
    from tests.analysis.conftest import ccc_proposals

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    slug = f"mixte-{secrets.token_hex(3)}"
    consultation = services.create_consultation(actor=None, slug=slug, title_fr="Banc d'essai mixte")
    services.transition(actor=None, consultation=consultation, to_phase=Consultation.Phase.OPEN)
    Proposal.objects.bulk_create(
        Proposal(consultation=consultation, text=row["proposal"], author_key="bench", status="visible")
        for row in ccc_proposals()
    )
    clients = []
    for i in range(users):
        user = User.objects.create_user(email=f"mixed-{slug}-{i}@bench.invalid", password=None)
        services.accept_charter(user=user, consultation=consultation)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        clients.append((user.pk, session.session_key, secrets.token_hex(16)))
    return consultation, list(consultation.proposals.values_list("id", flat=True)), clients


def _start_worker(log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=WARNING", "--concurrency=1",
         "--without-gossip", "--without-mingle", "--hostname", f"mixed-{os.getpid()}@bench"],
        cwd=ROOT, env={**os.environ, **_environment()}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def _citizen(port, slug, ids, client, weights, stop_at, seed, out):
    """One citizen on one connection (reopened when the server closes it): a random action at a time."""
    user_id, session, csrf = client
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    cookie = {"Cookie": f"sessionid={session}; csrftoken={csrf}"}
    post = {**cookie, "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded"}
    latencies = {a: [] for a in ACTIONS}
    errors, votes, proposed, n = Counter(), {}, [], 0
    while time.monotonic() < stop_at:
        action = rng.choices(ACTIONS, weights)[0]
        if action == "read":
            page = rng.choice(("", "propositions/"))
            request = ("GET", f"/consultations/{slug}/{page}", None, cookie)
            ok = (200,)
        elif action == "vote":
            proposal, value = rng.choice(ids), rng.choice(("agree", "disagree", "pass"))
            request = ("POST", f"/consultations/{slug}/propositions/{proposal}/vote/", f"value={value}",
                       {**post, "Accept": "application/json"})  # fmt: skip
            ok = (200,)
        else:
            n += 1
            text = f"Proposition {seed}-{n} : que chaque citoyen reçoive un compte rendu de la séance {n}"
            body = "step=confirm&website=&text=" + text.replace(" ", "+")
            request = ("POST", f"/consultations/{slug}/proposer/", body, post)
            ok = (302,)
        start = time.perf_counter()
        try:
            conn.request(*request)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            errors[f"{action}:{type(exc).__name__}"] += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies[action].append((time.perf_counter() - start) * 1000)
        if response.status not in ok:
            errors[f"{action}:{response.status}"] += 1
        elif action == "vote":
            votes[proposal] = {"agree": 1, "disagree": -1, "pass": 0}[value]
        elif action == "propose":
            proposed.append(text)
    conn.close()
    out[seed] = (user_id, latencies, errors, votes, proposed)


def _machine_speed_ms() -> float:
    """Best of 5 timings of a fixed pure-Python loop, in ms (as in load_votes.py): how fast this machine
    was, next to the figures."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        sum(range(1_000_000))
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def _percentile(values: list[float], q: float) -> float | None:
    return round(sorted(values)[int(q * (len(values) - 1))], 1) if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--read", type=float, default=0.6, help="share of page reads")
    parser.add_argument("--vote", type=float, default=0.3, help="share of votes (the rest: proposals)")
    parser.add_argument("--workers", default="2", help="gunicorn processes")
    parser.add_argument("--no-pipeline", action="store_true", help="the same load without the pipeline")
    args = parser.parse_args()
    weights = (args.read, args.vote, max(0.0, 1 - args.read - args.vote))
    _create_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT,
                   env={**os.environ, **_environment()}, check=True)  # fmt: skip
    consultation, ids, clients = _setup(args.users)
    from analysis import services as analysis_services
    from analysis.models import Contribution, PipelineRun
    from tests.helpers import gunicorn_server

    (ROOT / "var").mkdir(exist_ok=True)
    speed_before, load_before = _machine_speed_ms(), os.getloadavg()[0]
    log = open(ROOT / "var" / "load-mixed-worker.log", "w")  # noqa: SIM115
    worker = _start_worker(log)
    results: dict = {}
    try:
        with gunicorn_server(DB_URL, environment=_environment(), workers=args.workers) as get:
            run = None
            if not args.no_pipeline:
                run = analysis_services.start_run(consultation=consultation)  # sent to the worker at once
            stop_at = time.monotonic() + args.seconds
            threads = [
                threading.Thread(
                    target=_citizen, args=(get.port, consultation.slug, ids, c, weights, stop_at, i, results)
                )  # fmt: skip
                for i, c in enumerate(clients)
            ]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
            pipeline_during_load = run is not None and PipelineRun.objects.get(pk=run.pk).is_active
            deadline = time.monotonic() + 900
            while run is not None and PipelineRun.objects.get(pk=run.pk).is_active:
                if time.monotonic() > deadline:
                    break
                time.sleep(1)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=120)
        log.close()

    from consultation.models import Proposal, Vote

    by_action = {a: [lat for r in results.values() for lat in r[1][a]] for a in ACTIONS}
    errors = sum((r[2] for r in results.values()), Counter())
    expected_votes = {(f"u{r[0]}", p): v for r in results.values() for p, v in r[3].items()}
    votes = Vote.objects.filter(proposal__consultation=consultation)
    stored = {(k, p): v for k, p, v in votes.values_list("participant_key", "proposal_id", "value")}
    proposed = [text for r in results.values() for text in r[4]]
    texts = Counter(Proposal.objects.filter(consultation=consultation).values_list("text", flat=True))
    lost_votes = sum(1 for pair, value in expected_votes.items() if stored.get(pair) != value)
    lost_proposals = sum(1 for text in proposed if texts[text] == 0)
    duplicated_votes = votes.count() - votes.values("participant_key", "proposal_id").distinct().count()
    duplicated_proposals = sum(count - 1 for text, count in texts.items() if count > 1)
    pipeline = {"status": "not run"}
    if run is not None:
        run.refresh_from_db()
        placed = Contribution.objects.filter(run=run)
        pipeline = {
            "status": run.status,
            "seconds": round((run.finished_at - run.created_at).total_seconds(), 1)
            if run.finished_at
            else None,
            "still_running_when_load_ended": pipeline_during_load,
            "contributions": placed.count(),
            "duplicated": placed.count() - placed.values("source_id").distinct().count(),
        }
    print(json.dumps({
        **{
            action: {
                "per_s": round(len(lat) / elapsed, 1),
                "p50_ms": _percentile(lat, 0.5),
                "p95_ms": _percentile(lat, 0.95),
                "answered": len(lat),
            }
            for action, lat in by_action.items()
        },
        "acknowledged_votes": len(expected_votes),
        "acknowledged_proposals": len(proposed),
        "lost": lost_votes + lost_proposals,
        "duplicated": duplicated_votes + duplicated_proposals + (pipeline.get("duplicated") or 0),
        "lost_votes": lost_votes,
        "lost_proposals": lost_proposals,
        "pipeline": pipeline,
        "errors": dict(errors),
        "users": args.users,
        "seconds": round(elapsed, 1),
        "machine_loop_ms": max(speed_before, _machine_speed_ms()),
        "load_average_before": round(load_before, 1),
        "server": f"gunicorn -c config/gunicorn.py, {args.workers} processes; 1 Celery worker; "
        f"{os.cpu_count()} cores",
    }))  # fmt: skip


if __name__ == "__main__":
    main()
