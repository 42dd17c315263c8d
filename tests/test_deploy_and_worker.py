import os
import subprocess
import sys
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
