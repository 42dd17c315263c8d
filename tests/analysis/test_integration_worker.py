"""End to end with a real Celery worker over Redis and PostgreSQL: chunks embedded in parallel by the
worker's processes, the last one enqueuing the finish."""

import time

import pytest

from analysis import services
from analysis.models import PipelineRun
from tests.analysis.conftest import add_proposals
from tests.helpers import make_consultation


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_pipeline_in_several_chunks(celery_worker_process, ccc_sample):
    consultation = make_consultation("integration", questions=False)
    add_proposals(consultation, [row["proposal"] for row in ccc_sample])
    run = services.start_run(consultation=consultation, chunk_size=8)  # 48 texts: six chunks
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if not run.is_active:
            break
        time.sleep(1)
    assert run.status == PipelineRun.Status.DONE, (run.status, run.error_detail)
    assert run.chunks_total == 6 and not run.chunks.filter(done=False).exists()
    assert run.progress_done == 48
    assert run.themes.filter(parent__isnull=True, number__gte=0).count() >= 2
    assert run.versions.count() == 1 and run.contributions.filter(x__isnull=False).count() == 48
