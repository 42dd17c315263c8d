"""Helpers shared by the whole suite: the fixtures folder, a consultation built through the services,
an embedder that counts its work, and the HTML handed to WeasyPrint. Fixtures (pytest) live in
tests/conftest.py; plain functions and classes live here so that any test module can import them."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
# Small licensed public data sets copied into the repository (see tests/data/README.md).
DATA = ROOT / "tests" / "data"

_PHASE_PATH = {
    "draft": [],
    "open": ["open"],
    "closed": ["open", "closed"],
    "synthesis_published": ["open", "closed", "synthesis_published"],
}


def make_consultation(
    slug: str = "test-consultation",
    *,
    phase: str = "open",
    title_fr: str = "Consultation test",
    title_en: str = "Test consultation",
    questions: bool = True,
    **fields,
):
    """A consultation created and moved to `phase` by the services, as an organiser would; with
    `questions`, one single-choice and one open question."""
    from consultation import services
    from consultation.models import Consultation

    consultation = services.create_consultation(
        actor=None, slug=slug, title_fr=title_fr, title_en=title_en, **fields
    )
    if questions:
        services.add_question(
            actor=None,
            consultation=consultation,
            kind="single",
            text_fr="Choix ?",
            text_en="Choice?",
            choices=[("Oui", "Yes"), ("Non", "No")],
        )
        services.add_question(actor=None, consultation=consultation, kind="open", text_fr="Pourquoi ?")
    for step in _PHASE_PATH[phase]:
        services.transition(actor=None, consultation=consultation, to_phase=step)
    return Consultation.objects.get(pk=consultation.pk)


class CountingEmbedder:
    """A real embedder (the bundled multilingual model by default) that records what it embeds."""

    def __init__(self, inner=None) -> None:
        if inner is None:
            from analysis.pipeline.embed import UseMultilingualEmbedder

            inner = UseMultilingualEmbedder()
        self.inner = inner
        self.model_id = inner.model_id
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += list(texts)
        return self.inner.embed(texts)

    @property
    def embedded(self) -> int:
        """How many texts were embedded since the start or the last reset."""
        return len(self.texts)

    def reset(self) -> None:
        self.texts.clear()


# The answer tests' questions, by kind (``open_questionnaire``).
QUESTIONS_BY_KIND = {
    "single": {"text_fr": "Mode ?", "text_en": "Which mode?", "choices": [("Oui", "Yes"), ("Non", "No")]},
    "scale": {"text_fr": "Confiance ?", "text_en": "Trust?"},
    "multiple": {
        "text_fr": "Canaux ?",
        "text_en": "Channels?",
        "choices": [("Courrier", "Post"), ("En ligne", "Online"), ("Aucun", "None", True)],
    },
    "open": {"text_fr": "Pourquoi ?", "text_en": "Why?"},
}


def open_questionnaire(
    slug: str, *, kinds: Sequence[str] = ("single", "scale", "multiple", "open"), required: Sequence[str] = ()
):
    """An open consultation whose questionnaire has one question of each of `kinds`, in that order
    (``QUESTIONS_BY_KIND``), made by the organisers' services; `required`: the kinds marked required."""
    from consultation import services

    consultation = make_consultation(slug, phase="draft", questions=False)
    for kind in kinds:
        details = QUESTIONS_BY_KIND[kind]
        services.add_question(
            actor=None, consultation=consultation, kind=kind, required=kind in required, **details
        )
    services.transition(actor=None, consultation=consultation, to_phase="open")
    return consultation


def html_handed_to_weasyprint(client, slug: str, monkeypatch) -> str:
    """The synthesis PDF of `slug`, with WeasyPrint replaced by a stand-in that keeps the HTML it is given."""
    import weasyprint
    from django.urls import reverse

    drawn: list[str] = []

    class CapturingHTML:
        def __init__(self, string, base_url=None):
            drawn.append(string)

        def write_pdf(self, *args, **kwargs):
            return b"%PDF-1.7"

    monkeypatch.setattr(weasyprint, "HTML", CapturingHTML)
    response = client.get(reverse("analysis:report_pdf", args=[slug]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    return drawn[0]


@contextmanager
def gunicorn_server(database_url: str, environment: dict[str, str] | None = None, **settings: str):
    """Start `gunicorn -c config/gunicorn.py config.wsgi` (README, deployment), `settings` overriding
    its GUNICORN_* environment variables and `environment` adding others; yields get(path) -> response
    (with its .body)."""
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
        **(environment or {}),
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

    get.port = port  # for callers that open their own connections (benchmarks/load_mixed.py)
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


def url_of_the_test_database(name: str | None = None) -> str:
    """The test database pytest-django made (it exists whatever the base database is called)."""
    from django.db import connection

    # The connection's settings name the test database; settings.DATABASES still names the base one,
    # which need not exist (the test then read 503 from /healthz).
    database = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (DATABASE_URL): run it with `make test`")
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{name or database['NAME']}"


def read_spreadsheet_csv(content: bytes, delimiter: str = ";") -> list[dict]:
    """Rows of a CSV export as French Excel reads it: a UTF-8 byte-order mark, then ``;``-separated."""
    import csv
    import io

    assert content.startswith("\ufeff".encode()), "no byte-order mark: Excel would read Windows-1252"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def vote_statements(monkeypatch) -> list[str]:
    """The vote path's hand-written SQL statements (`consultation.sql.fetch_one`) run from now on, in
    order: what the cost tests count."""
    from consultation import sql

    calls = []
    fetch_one = sql.fetch_one

    def counted(statement, params):
        calls.append(statement)
        return fetch_one(statement, params)

    monkeypatch.setattr(sql, "fetch_one", counted)
    return calls


def migrate_to(targets):
    """Migrate the test database to `targets` ([(app, migration name)]) and return the apps of that state
    (migration tests: rows written with the models as they were then)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest(app: str) -> None:
    """Back to `app`'s newest migration (a migration test's clean-up)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    migrate_to([(app, MigrationExecutor(connection).loader.graph.leaf_nodes(app)[0][1])])
