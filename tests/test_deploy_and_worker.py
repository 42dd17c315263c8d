import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import gunicorn_server, url_of_the_test_database

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


@pytest.mark.server
def test_gunicorn_serves_with_the_production_settings(django_db_setup):
    with gunicorn_server(url_of_the_test_database()) as get:
        response = get("/healthz")
    assert response.status == 200
    assert response.getheader("Connection") == "close"  # one request per connection (config/gunicorn.py)
    # A database that does not answer: monitoring gets a 503 with a reason, not an error page.
    with gunicorn_server(url_of_the_test_database("no_such_database_for_pacte")) as get:
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
    address = f"{url_of_the_test_database()}?application_name={name}"
    with gunicorn_server(address, workers="1", threads="1") as get:
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
