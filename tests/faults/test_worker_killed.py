"""A worker killed (SIGKILL) in the middle of a broad-listening run (issue #22).

Tasks are acknowledged late, so the task the dead worker held stays with the broker; after the visibility
timeout (config/settings.py, CELERY_BROKER_TRANSPORT_OPTIONS, lowered here to a few seconds) the next
worker takes it again, and every stage is idempotent: the run completes with each text embedded once, each
contribution placed once and one first version of the synthesis."""

import os
import signal
import subprocess
import sys
import time

import pytest

from analysis import services
from analysis.models import Contribution, EmbeddingVector, PipelineRun
from tests.analysis.conftest import add_proposals, ccc_proposals
from tests.conftest import ROOT
from tests.helpers import make_consultation

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _start_worker(redis_url: str, log_path, *extra: str) -> subprocess.Popen:
    from django.db import connection

    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "PACTE_OUTBOX_SWEEP_SECONDS": "2",
        "PACTE_OUTBOX_GRACE_SECONDS": "2",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", "--concurrency=1",
         "--without-gossip", "--without-mingle", "--hostname", f"fault-{time.monotonic_ns()}@%h", *extra],
        cwd=ROOT, env=env, stdout=open(log_path, "ab"), stderr=subprocess.STDOUT,  # noqa: SIM115
        start_new_session=True,  # its own process group: the test kills this worker and its children only
    )  # fmt: skip


def _wait_for(predicate, seconds: float, what: str, log) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; the workers' log ends:\n{log.read_text()[-4000:]}")
        time.sleep(0.1)


def test_a_run_whose_worker_was_killed_completes_on_the_next_worker_without_duplicates(own_redis, tmp_path):
    from config.celery import app

    ccc_sample = [row for row in ccc_proposals() if row["theme_key"] in ("SE_NOURRIR", "SE_LOGER")][:40]
    consultation = make_consultation("worker-tue", questions=False)
    add_proposals(consultation, [row["proposal"] for row in ccc_sample])
    run = services.start_run(consultation=consultation, chunk_size=8, enqueue=False)
    log = tmp_path / "workers.log"
    first = _start_worker(own_redis.url, log)
    try:
        with app.connection_for_write(own_redis.url) as connection:
            app.send_task("analysis.tasks.prepare_run", args=[run.pk], connection=connection)

        def embedding_started():
            run.refresh_from_db()
            assert run.status != PipelineRun.Status.FAILED, run.error_detail
            return run.status == PipelineRun.Status.EMBEDDING

        _wait_for(embedding_started, 240, "the first worker to start embedding", log)
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # mid-run: the model is loading for the first chunk
        first.wait(timeout=30)
    assert run.chunks.filter(done=False).exists()  # there was work left to take over

    # With its beat (-B): the outbox sweep sends what the killed worker recorded but never sent.
    second = _start_worker(own_redis.url, log, "-B", "--schedule", str(tmp_path / "beat-schedule"))
    try:

        def finished():
            run.refresh_from_db()
            return not run.is_active

        _wait_for(finished, 300, "the second worker to finish the run", log)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=60)

    assert run.status == PipelineRun.Status.DONE, (run.status, run.error_detail, log.read_text()[-3000:])
    assert not run.chunks.filter(done=False).exists()
    contributions = Contribution.objects.filter(run=run)
    assert contributions.count() == len(ccc_sample)
    assert contributions.values("source_id").distinct().count() == len(ccc_sample)  # each placed once
    hashes = {h for chunk in run.chunks.all() for h in chunk.hashes}
    assert EmbeddingVector.objects.filter(text_hash__in=hashes).count() == len(hashes)  # embedded once
    assert run.versions.count() == 1  # the finish ran once
