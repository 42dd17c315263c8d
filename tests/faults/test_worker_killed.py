"""A worker killed (SIGKILL) in the middle of a broad-listening run (issue #22).

Tasks are acknowledged late, so the task the dead worker held stays with the broker; after the visibility
timeout (config/settings.py, CELERY_BROKER_TRANSPORT_OPTIONS, lowered here to a few seconds) the next
worker takes it again, and every stage is idempotent: the run completes with each text embedded once, each
contribution placed once and one first version of the synthesis."""

import pytest

from accounts.models import OutboxTask
from analysis import services
from analysis.models import Contribution, EmbeddingVector, PipelineRun
from tests.analysis.conftest import add_proposals, ccc_proposals
from tests.faults.conftest import (
    events_recorded_twice,
    kill_worker,
    start_worker,
    stop_worker,
    wait_for,
    without_beat_ticks,
)
from tests.helpers import make_consultation

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def run_state(run) -> str:
    """What the test polls, for a timeout's message: the run, its chunks, the tasks still in the outbox."""
    run.refresh_from_db()
    chunks = " ".join(f"{c.index}:{'done' if c.done else 'todo'}" for c in run.chunks.order_by("index"))
    waiting = list(OutboxTask.objects.order_by("pk").values_list("task", "attempts", "last_error"))
    return (
        f"run {run.pk} {run.status} ({run.progress_done}/{run.progress_total} texts embedded, "
        f"{run.chunks_total} chunks) {run.error_code} {run.error_detail!r}; chunks {chunks or 'none'}; "
        f"outbox {waiting or 'empty'}"
    )


def test_a_run_whose_worker_was_killed_completes_on_the_next_worker_without_duplicates(own_redis, tmp_path):
    from config.celery import app

    ccc_sample = [row for row in ccc_proposals() if row["theme_key"] in ("SE_NOURRIR", "SE_LOGER")][:40]
    consultation = make_consultation("worker-tue", questions=False)
    add_proposals(consultation, [row["proposal"] for row in ccc_sample])
    run = services.start_run(consultation=consultation, chunk_size=8, enqueue=False)
    log = tmp_path / "workers.log"
    first = start_worker(own_redis.url, log)
    try:
        with app.connection_for_write(own_redis.url) as connection:
            app.send_task("analysis.tasks.prepare_run", args=[run.pk], connection=connection)

        def embedding_started():
            run.refresh_from_db()
            assert run.status != PipelineRun.Status.FAILED, run.error_detail
            return run.status == PipelineRun.Status.EMBEDDING

        wait_for(embedding_started, 240, "the first worker to start embedding", log, lambda: run_state(run))
    finally:
        kill_worker(first)  # mid-run: the model is loading for the first chunk
    assert run.chunks.filter(done=False).exists()  # there was work left to take over

    # With its beat (-B): the outbox sweep sends what the killed worker recorded but never sent.
    second = start_worker(own_redis.url, log, "-B", "--schedule", str(tmp_path / "beat-schedule"))
    try:

        def finished():
            run.refresh_from_db()
            return not run.is_active

        wait_for(finished, 300, "the second worker to finish the run", log, lambda: run_state(run))
    finally:
        stop_worker(second)

    assert run.status == PipelineRun.Status.DONE, (
        run_state(run),
        without_beat_ticks(log.read_text())[-3000:],
    )
    assert not run.chunks.filter(done=False).exists()
    contributions = Contribution.objects.filter(run=run)
    assert contributions.count() == len(ccc_sample)
    assert contributions.values("source_id").distinct().count() == len(ccc_sample)  # each placed once
    hashes = {h for chunk in run.chunks.all() for h in chunk.hashes}
    assert EmbeddingVector.objects.filter(text_hash__in=hashes).count() == len(hashes)  # embedded once
    assert run.versions.count() == 1  # the finish ran once
    assert not events_recorded_twice()
