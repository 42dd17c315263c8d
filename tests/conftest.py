"""Shared fixtures. Integration fixtures start real processes (a Celery worker over Redis) against the
PostgreSQL test database; they are only usable when the suite runs with DATABASE_URL and REDIS_URL set,
as `make test` does."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


# --- Test tiers. `make test-fast` runs the tests marked with none of TIER_MARKERS (see pyproject.toml).
TIER_MARKERS = ("browser", "integration", "server", "model", "slow")
# Fixtures that load the embedding model: a test that asks for one is in the `model` tier.
MODEL_FIXTURES = {"use_embedder", "counting_embedder", "four_topics", "done_run"}
_model_allowed = True


def pytest_collection_modifyitems(items):
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    """Outside the `model` tier (and the tiers that start other processes), loading the embedding model
    fails, so a test that needs it cannot hide in `make test-fast` unmarked."""
    global _model_allowed
    _model_allowed = any(item.get_closest_marker(name) for name in ("model", "browser", "integration"))
    yield


def _guarded_model_loader(load):
    def guarded(*args, **kwargs):
        if not _model_allowed:
            raise RuntimeError(
                "this test loads the embedding model: mark it @pytest.mark.model (or use a fixture in "
                "tests/conftest.py MODEL_FIXTURES) so that `make test-fast` leaves it out"
            )
        return load(*args, **kwargs)

    return guarded


def _guard_model_loading():
    """Both embedders load their model in one method, `_load`."""
    from analysis.pipeline import embed

    for embedder in (embed.UseMultilingualEmbedder, embed.SentenceTransformerEmbedder):
        embedder._load = _guarded_model_loader(embedder._load)


_guard_model_loading()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many accounts; the production hasher costs about a second each on a shared machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language (French), whatever an earlier test activated."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _own_media_folder(request, settings, tmp_path):
    """Files a test stores (open-data archives, stored PDFs, documents) go to a folder of its own, so
    that one stored by an earlier test or run is never read back. Integration tests keep the shared one:
    their worker process writes there."""
    if request.node.get_closest_marker("integration") is None:
        settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and debounce keys live in the cache (Redis under `make test`): start each test clean."""
    from django.core.cache import cache

    cache.clear()
    yield


@contextmanager
def celery_eagerness(eager: bool):
    """Run Celery tasks in-process (eager) or through the broker, and restore the previous mode."""
    from config.celery import app

    previous = (app.conf.task_always_eager, settings.CELERY_TASK_ALWAYS_EAGER)
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER = eager
    try:
        yield
    finally:
        app.conf.task_always_eager, settings.CELERY_TASK_ALWAYS_EAGER = previous


@pytest.fixture
def eager_celery():
    """Tasks run in-process, as in the embedded runtime."""
    with celery_eagerness(True):
        yield


@pytest.fixture(autouse=True)
def _integration_tests_use_the_broker(request):
    """A test marked `integration` talks to the real worker, whatever an earlier test set."""
    if request.node.get_closest_marker("integration") is None:
        yield
        return
    with celery_eagerness(False):
        yield


@pytest.fixture(autouse=True)
def _force_login_stands_for_a_complete_sign_in(monkeypatch):
    """`Client.force_login(user)` stands for a sign-in completed with the second factor (when the person
    has one): staff roles need a session that used it (accounts/middleware.py). A test of a session
    without it removes the record (tests/accounts/test_admin_second_factor.py)."""
    from allauth.account.internal.flows.login import record_authentication
    from django.http import HttpRequest
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        request = HttpRequest()
        request.session = self.session
        record_authentication(request, user, method="mfa", type="totp")
        request.session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def citizen(db):
    return UserFactory(roles=["citizen"])


@pytest.fixture
def facilitator(db):
    return UserFactory(roles=["citizen", "facilitator"])


@pytest.fixture
def organiser(db):
    return UserFactory(roles=["citizen", "organiser"])


@pytest.fixture
def organiser_client(client, organiser):
    """The organiser signed in, with their second factor set up."""
    client.force_login(with_totp(organiser))
    return client


@pytest.fixture
def moderator(db):
    return UserFactory(roles=["citizen", "moderator"])


def with_totp(user):
    """Give `user` an activated TOTP authenticator, as allauth's own set-up flow would."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def fake_label_server():
    """A local OpenAI-compatible endpoint (real socket, its own thread) for the optional labelling."""
    from tests.fake_llm import FakeLabelServer

    with FakeLabelServer() as server:
        yield server


@pytest.fixture
def test_data() -> Path:
    """The small public data sets copied into tests/data/ (see its README for sources and licences)."""
    from tests.helpers import DATA

    return DATA


def _require_services():
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.fail(
            "integration tests need DATABASE_URL (PostgreSQL) and REDIS_URL: run them with `make test`"
        )


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery -A config worker` process consuming the Redis queue and using the test database."""
    _require_services()
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    env["DATABASE_URL"] = f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{host}:{port}/{db['NAME']}"
    env["CELERY_TASK_ALWAYS_EAGER"] = "0"
    log = open(ROOT / "var" / "test-celery-worker.log", "w")  # noqa: SIM115 (closed at teardown)
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", "--concurrency=2",
         "--hostname=pacte-test@%h", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    from config.celery import app

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the Celery worker exited with {proc.returncode}; see var/test-celery-worker.log")
        if app.control.ping(timeout=1.0):
            break
    else:
        proc.terminate()
        pytest.fail("the Celery worker did not answer within 90 s; see var/test-celery-worker.log")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture
def fresh_draws(monkeypatch) -> list[int]:
    """How many partitions the pipeline's fresh clustering refined (each candidate number of themes, each
    level): a rerun that keeps its themes without drawing fresh ones leaves it empty."""
    from analysis.pipeline import cluster as cluster_module

    calls: list[int] = []
    refined = cluster_module._refined

    def counting(reduced, micro, k, seed):
        calls.append(k)
        return refined(reduced, micro, k, seed)

    monkeypatch.setattr(cluster_module, "_refined", counting)
    return calls
