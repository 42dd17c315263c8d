"""A pipeline run's life cycle as a grid: every (from, to) pair of statuses is allowed or refused by
the table (analysis/states.py) and by the one helper that moves every status (accounts.states), and the
tasks' writes (analysis/runs.py) claim, fail and finish only along it."""

import itertools

import pytest
from django.db import transaction

from accounts.errors import ServiceError
from accounts.states import transition
from analysis import runs
from analysis.models import PipelineRun
from analysis.states import RUN_STATES

Status = PipelineRun.Status
ALLOWED = {
    (Status.QUEUED, Status.PREPARING),
    (Status.PREPARING, Status.PREPARING),  # a re-delivered prepare
    (Status.PREPARING, Status.EMBEDDING),
    (Status.EMBEDDING, Status.CLUSTERING),
    (Status.CLUSTERING, Status.CLUSTERING),  # a re-delivered finish
    (Status.CLUSTERING, Status.DONE),
    (Status.QUEUED, Status.FAILED),
    (Status.PREPARING, Status.FAILED),
    (Status.EMBEDDING, Status.FAILED),
    (Status.CLUSTERING, Status.FAILED),
    (Status.FAILED, Status.FAILED),  # a later failure replaces the message
}
PAIRS = list(itertools.product(Status.values, repeat=2))


def _run(consultation, status) -> PipelineRun:
    return PipelineRun.objects.create(consultation=consultation, status=status)


def test_the_table_holds_every_status_and_only_the_allowed_moves():
    assert set(RUN_STATES.states) == set(Status.values)
    assert {(a, b) for a, b in PAIRS if RUN_STATES.can(a, b)} == {(str(a), str(b)) for a, b in ALLOWED}
    assert RUN_STATES.targets(Status.DONE) == ()


@pytest.mark.parametrize(("current", "to"), PAIRS)
def test_a_run_moves_only_along_the_table(consultation, current, to):
    run = _run(consultation, current)
    with transaction.atomic():
        locked = PipelineRun.objects.select_for_update().get(pk=run.pk)
        if (current, to) in ALLOWED:
            transition(locked, to, action=None)
        else:
            with pytest.raises(ServiceError):
                transition(locked, to, action=None)
    assert PipelineRun.objects.get(pk=run.pk).status == (to if (current, to) in ALLOWED else current)


@pytest.mark.parametrize("current", Status.values)
@pytest.mark.parametrize("stage", [Status.PREPARING, Status.CLUSTERING])
def test_a_stage_claims_a_run_only_from_where_the_table_allows(consultation, current, stage):
    run = _run(consultation, current)
    claimed = runs.claim(run.pk, stage)
    run.refresh_from_db()
    if (current, stage) in ALLOWED:
        assert claimed is not None and run.status == stage and run.started_at is not None
    else:  # another delivery got further, or the run ended: nothing changes
        assert claimed is None and run.status == current and run.started_at is None


@pytest.mark.parametrize("current", Status.values)
def test_a_failure_ends_any_run_but_a_done_one(consultation, current):
    run = _run(consultation, current)
    runs.fail(run.pk, PipelineRun.Error.MODEL, "no model here")
    run.refresh_from_db()
    if current == Status.DONE:
        assert run.status == Status.DONE and not run.error_code
    else:
        assert run.status == Status.FAILED and run.error_code == PipelineRun.Error.MODEL
        assert run.error_detail == "no model here" and run.finished_at is not None


def test_a_failure_of_a_run_that_is_gone_is_ignored(db):
    runs.fail(123456, PipelineRun.Error.INTERNAL, "gone")
    assert runs.claim(123456, Status.PREPARING) is None
