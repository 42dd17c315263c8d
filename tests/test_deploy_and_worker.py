import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_under_production_settings():
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "k3y-" + "x9Qz7w" * 10,
        "DJANGO_ALLOWED_HOSTS": "pacte.example.org",
        "DATABASE_URL": "sqlite:////tmp/pacte-deploy-check.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret():
    env = {**os.environ, "DJANGO_ENV": "production"}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_over_redis(celery_worker_process, citizen):
    from accounts.tasks import health_check

    result = health_check.delay(41)
    # The worker is another process: it answers through Redis and reads the same PostgreSQL database.
    assert result.get(timeout=60) == {"echo": 41, "users": 1}


@contextmanager
def _gunicorn(database_url: str, **settings: str):
    """Start `gunicorn -c config/gunicorn.py config.wsgi` (README, deployment), `settings` overriding
    its GUNICORN_* environment variables; yields get(path) -> response (with its .body)."""
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        # Stopping: workers get 10 s to finish, not gunicorn's default 30, so a worker still starting on a
        # loaded machine is killed well before the test gives up on the server (it waited 30 s, as long as
        # gunicorn itself, and once timed out in CI).
        "GUNICORN_CMD_ARGS": "--graceful-timeout 10",
        **{f"GUNICORN_{name.upper()}": value for name, value in settings.items()},
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip

    def get(path: str) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        response = conn.getresponse()
        response.body = response.read()
        return response

    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise AssertionError(server.stderr.read().decode()[-2000:])
            try:
                get("/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("gunicorn did not answer") from None
                time.sleep(0.3)
        yield get
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def _test_database_url(name: str | None = None) -> str:
    """The test database pytest-django made (it exists whatever the base database is called)."""
    from django.db import connection

    # The connection's settings name the test database; settings.DATABASES still names the base one,
    # which need not exist (the test then read 503 from /healthz).
    database = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (DATABASE_URL): run it with `make test`")
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{name or database['NAME']}"


@pytest.mark.server
def test_gunicorn_serves_with_the_production_settings(django_db_setup):
    with _gunicorn(_test_database_url()) as get:
        response = get("/healthz")
    assert response.status == 200
    assert response.getheader("Connection") == "close"  # one request per connection (config/gunicorn.py)
    # A database that does not answer: monitoring gets a 503 with a reason, not an error page.
    with _gunicorn(_test_database_url("no_such_database_for_pacte")) as get:
        response = get("/healthz")
    assert response.status == 503
    assert json.loads(response.body) == {"status": "database unavailable"}


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_after_the_database_closed_the_connections_the_next_request_is_served():
    """A database restart (or an administrator ending sessions) closes the web workers' persistent
    connections; the first request after it must not fail (config/postgresql/base.py)."""
    from django.db import connection

    name = "pacte-web-health-test"
    with _gunicorn(f"{_test_database_url()}?application_name={name}", workers="1", threads="1") as get:
        assert get("/healthz").status == 200  # the worker now holds a persistent connection
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", [name]
            )
            assert cursor.rowcount == 1
            while True:  # until the server has ended it
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [name])
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.05)
        response = get("/healthz")
    assert response.status == 200, response.body
