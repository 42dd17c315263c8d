"""The life cycle of a pipeline run: the moves its status may make, all the system's own (the tasks).
Changed only through analysis/runs.py (the tasks' writes); tests/analysis/test_run_states.py is its grid.

A stage claims the run by moving it to its own status; a re-delivered task finds the run already
there, so PREPARING and CLUSTERING may "move" to themselves. Any unfinished run may fail; a failed run
may fail again (a later failure replaces the message); a run done stays done."""

from accounts.states import StateMachine, by_the_system

from .models import PipelineRun

Status = PipelineRun.Status


def _steps(*targets: str) -> dict:
    return dict.fromkeys(targets, by_the_system)


RUN_STATES = StateMachine(
    PipelineRun,
    {
        Status.QUEUED: _steps(Status.PREPARING, Status.FAILED),
        Status.PREPARING: _steps(Status.PREPARING, Status.EMBEDDING, Status.FAILED),
        Status.EMBEDDING: _steps(Status.CLUSTERING, Status.FAILED),
        Status.CLUSTERING: _steps(Status.CLUSTERING, Status.DONE, Status.FAILED),
        Status.FAILED: _steps(Status.FAILED),
    },
)
