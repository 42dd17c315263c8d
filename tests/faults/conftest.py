"""Fault tests: each one starts the service process it breaks (its own Redis, on a free port, its own
Celery workers, its own fake mail server), stops only that process (by its pid) and leaves the machine's
services alone."""

import json
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.helpers import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own, which the test may stop and start again on the same port."""

    def __init__(self, tmp_path):
        if not shutil.which("redis-server"):
            pytest.fail("redis-server is not installed (Debian: apt-get install redis-server)")
        self.port = free_port()
        self.dir = tmp_path
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while not self.answers():
            if time.monotonic() > deadline:
                pytest.fail("the test's own redis-server did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)  # only the process this test started
        self.process.wait(timeout=10)

    def pause(self) -> None:
        """SIGSTOP: the server hangs, as a Redis that stopped answering without closing its connections
        (the kernel still accepts new ones)."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def command(self, *words: str) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
            body = f"*{len(words)}\r\n" + "".join(f"${len(w.encode())}\r\n{w}\r\n" for w in words)
            conn.sendall(body.encode())
            return conn.recv(4096)


@contextmanager
def private_redis(tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        if redis.process and redis.process.poll() is None:
            redis.resume()  # if the test paused it
            redis.stop()


@pytest.fixture
def own_redis(tmp_path):
    with private_redis(tmp_path) as redis:
        yield redis


# --- Celery workers of the test's own -------------------------------------------------------------------


def worker_environment(redis_url: str, **extra: str) -> dict[str, str]:
    """A worker on the test database and the test's own Redis, whose broker hands a task left
    unacknowledged by a dead worker to the next one after 5 s (instead of the draw's time limit)."""
    from django.db import connection

    database = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "CELERY_UNACKED_MUTEX_EXPIRE": "10",  # a worker killed mid-sweep would block the others 300 s
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "PACTE_OUTBOX_SWEEP_SECONDS": "2",
        "PACTE_OUTBOX_GRACE_SECONDS": "2",
        **extra,
    }


def start_worker(
    redis_url: str, log_path, *options: str, app: str = "config", name: str = "", **env: str
) -> subprocess.Popen:
    """`celery -A app worker` (one pool process), in a process group of its own so that the test can kill
    this worker and its children, and nothing else."""
    name = name or f"fault-{time.monotonic_ns()}@test"
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", app, "worker", "--loglevel=INFO", "--concurrency=1",
         "--without-gossip", "--without-mingle", "--hostname", name, *options],
        cwd=ROOT, env=worker_environment(redis_url, **env), stdout=open(log_path, "ab"),  # noqa: SIM115
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


class StandbyWorker:
    """A second worker started at the same time as the first (a worker takes seconds to start): it loads
    Django and the tasks, then holds (tests/faults/stalling.py, PACTE_FAULT_HOLD) until `take_over()`, once
    the first worker is dead: so it cannot take the task before the first worker does."""

    def __init__(self, redis_url: str, log_path, **env: str):
        self.hold = Path(log_path).with_name(f"take-over-{time.monotonic_ns()}")
        self.process = start_worker(
            redis_url, log_path, app="tests.faults.stalling", PACTE_FAULT_HOLD=str(self.hold), **env
        )

    def take_over(self) -> None:
        self.hold.touch()

    def stop(self) -> None:
        kill_worker(self.process)  # its work is done and checked: nothing is left to finish


def start_stalling_worker(
    redis_url: str, log_path, marker, target: str, *, call: int = 1, when: str = "before", **env: str
) -> subprocess.Popen:
    """A worker that stops for good at the `call`-th call of `target` (tests/faults/stalling.py), once it
    has written the file `marker`: the test then kills it knowing where the task stands."""
    spec = json.dumps({"target": target, "call": call, "when": when, "marker": str(marker)})
    return start_worker(redis_url, log_path, app="tests.faults.stalling", PACTE_FAULT_STALL=spec, **env)


def kill_worker(worker: subprocess.Popen) -> None:
    """SIGKILL: the worker gets no chance to finish, acknowledge or clean up anything."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def stop_worker(worker: subprocess.Popen) -> None:
    """A warm shutdown (SIGTERM): the worker finishes its task and leaves."""
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)


def wait_for(predicate, seconds: float, what: str, log, state=None) -> None:
    """Poll `predicate` until true; after `seconds`, fail saying where things stood: `state()` (what the test
    polls, read from the database) and the workers' log without the beat's ticks, which otherwise fill it."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            tail = without_beat_ticks(log.read_text())[-6000:]
            pytest.fail(
                f"timed out waiting for {what}{_described(state)}\n"
                f"the workers' log ends (beat ticks left out):\n{tail}"
            )
        time.sleep(0.1)


def _described(state) -> str:
    if state is None:
        return ""
    try:
        return f"\nstate at the timeout: {state()}"
    except Exception as exc:  # noqa: BLE001 (the timeout is the failure to report, not this)
        return f"\nstate at the timeout unreadable: {exc!r}"


def without_beat_ticks(text: str) -> str:
    """The log without the lines of the periodic tasks that went well: the beat's "Sending due task" and
    a scheduled task's "received" and "succeeded" lines. A scheduled task that raised stays, as does
    everything else (tracebacks included)."""
    from django.conf import settings

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    def tick(line: str) -> bool:
        if "Scheduler: Sending due task" in line:
            return True
        routine = " received" in line or " succeeded in " in line
        return routine and any(f"{task}[" in line for task in scheduled)

    return "\n".join(line for line in text.splitlines() if not tick(line))


def send_and_wait(redis_url: str, task: str, args: list, log) -> str:
    """Send `task(*args)` to the test's own Redis and wait for a worker to end it (its log line); returns
    how it ended ("succeeded", "raised", ...)."""
    from config.celery import app

    with app.connection_for_write(redis_url) as connection:
        task_id = app.send_task(task, args=args, connection=connection).id
    ended = {}

    def logged() -> bool:
        for line in log.read_text().splitlines():
            if f"[{task_id}]" in line and (" succeeded " in line or " raised " in line):
                ended["how"] = "succeeded" if " succeeded " in line else "raised"
                return True
        return False

    wait_for(logged, 120, f"{task}{tuple(args)} to end", log)
    return ended["how"]


def broker_drained(redis: PrivateRedis) -> bool:
    """Nothing waiting in the queue and nothing taken but unacknowledged (kombu's Redis keys)."""
    return (
        redis.command("LLEN", "celery").strip() == b":0" and redis.command("HLEN", "unacked").strip() == b":0"
    )


def events_recorded_twice() -> list[str]:
    """Audit events recorded more than once by the same actor for the same object with the same details:
    what a task delivered again (its worker killed before acknowledging) writes twice when the event is
    not guarded by the state change it records. Empty when every event is written once."""
    import json
    from collections import Counter

    from accounts.models import AuditEvent

    seen = Counter(
        (
            event.action,
            event.object_type,
            event.object_id,
            event.actor_id,
            json.dumps(event.details, sort_keys=True),
        )
        for event in AuditEvent.objects.all()
    )
    return [f"{action} {kind}:{pk} x{n}" for (action, kind, pk, _actor, _details), n in seen.items() if n > 1]


@pytest.fixture
def held_outbox(monkeypatch):
    """Tasks the test's own process enqueues stay in the outbox (they would go to the session's Redis, that
    no worker of these tests reads); `hand_outbox_to` sends them to the test's own Redis."""
    monkeypatch.setattr("accounts.outbox._send", lambda row_id: False)


def hand_outbox_to(redis_url: str) -> list[str]:
    """Send the tasks waiting in the outbox to `redis_url` (as the beat's sweep would); their names."""
    from accounts.models import OutboxTask
    from config.celery import app

    sent = []
    with app.connection_for_write(redis_url) as connection:
        for row in OutboxTask.objects.order_by("pk"):
            app.send_task(row.task, args=tuple(row.args), connection=connection, **row.options)
            sent.append(row.task)
            row.delete()
    return sent


# --- A mail server of the test's own --------------------------------------------------------------------


class FakeSmtp(socketserver.ThreadingTCPServer):
    """Just enough SMTP for Django's backend; refuses the first `refuse` connections with 421 (counted,
    not timed: a worker slow to start on a loaded machine still meets the refusals)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, refuse: int = 0):
        self.to_refuse = refuse
        self.refused = 0
        self.messages: list[bytes] = []
        self._lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _SmtpSession)

    def refuses_this_one(self) -> bool:
        with self._lock:
            if self.refused < self.to_refuse:
                self.refused += 1
                return True
            return False

    @property
    def worker_settings(self) -> dict[str, str]:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.server_address[1]),
        }

    def recipients(self) -> list[str]:
        """The To: address of each message received, in order (one per message)."""
        found = []
        for message in self.messages:
            for line in message.split(b"\r\n"):
                if line.startswith(b"To: "):
                    found.append(line[4:].decode())
                    break
        return found


class _SmtpSession(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        server: FakeSmtp = self.server
        if server.refuses_this_one():
            self._say("421 4.3.2 Service not available, try again later")
            return
        self._say("220 fake ESMTP")
        while line := self.rfile.readline():
            verb = line.strip().split(b" ")[0].upper()
            if verb in (b"EHLO", b"HELO"):
                self._say("250 fake")
            elif verb == b"DATA":
                self._say("354 end with .")
                body = b""
                while (part := self.rfile.readline()) not in (b".\r\n", b""):
                    body += part
                server.messages.append(body)
                self._say("250 2.0.0 queued")
            elif verb == b"QUIT":
                self._say("221 bye")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self._say("250 ok")


@contextmanager
def fake_smtp_server(refuse: int = 0):
    smtp = FakeSmtp(refuse)
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    try:
        yield smtp
    finally:
        smtp.shutdown()
        smtp.server_close()


@pytest.fixture
def fake_smtp():
    """A mail server that accepts everything at once and keeps the messages (`.messages`)."""
    with fake_smtp_server() as smtp:
        yield smtp
