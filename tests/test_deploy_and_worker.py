import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
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


def _healthz_through_gunicorn(database_url: str) -> http.client.HTTPResponse:
    """Start `gunicorn -c config/gunicorn.py config.wsgi` (README, deployment) and GET /healthz."""
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                response = conn.getresponse()
                response.body = response.read()
                return response
            except OSError:
                time.sleep(0.3)
        raise AssertionError(
            server.stderr.read().decode()[-2000:] if server.poll() is not None else "no answer"
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_gunicorn_serves_with_the_production_settings(django_db_setup):
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("this test needs PostgreSQL (DATABASE_URL): run it with `make test`")
    # The test database pytest-django made: it exists whatever the base database is called.
    server = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
    response = _healthz_through_gunicorn(f"{server}/{database['NAME']}")
    assert response.status == 200
    assert response.getheader("Connection") == "close"  # one request per connection (config/gunicorn.py)
    # A database that does not answer: monitoring gets a 503 with a reason, not an error page.
    response = _healthz_through_gunicorn(f"{server}/no_such_database_for_pacte")
    assert response.status == 503
    assert json.loads(response.body) == {"status": "database unavailable"}
