"""The life cycle of a pipeline run: the moves its status may make. Changed only through
analysis/runs.py (the tasks' writes); tests/analysis/test_run_states.py is its grid.

A stage claims the run by moving it to its own status; a re-delivered task finds the run already
there, so PREPARING and CLUSTERING may "move" to themselves. Any unfinished run may fail; a failed run
may fail again (a later failure replaces the message); a run done stays done."""

from accounts.states import TableMachine as StateMachine

from .models import PipelineRun

Status = PipelineRun.Status

RUN_STATES = StateMachine(
    {
        Status.QUEUED: (Status.PREPARING, Status.FAILED),
        Status.PREPARING: (Status.PREPARING, Status.EMBEDDING, Status.FAILED),
        Status.EMBEDDING: (Status.CLUSTERING, Status.FAILED),
        Status.CLUSTERING: (Status.CLUSTERING, Status.DONE, Status.FAILED),
        Status.FAILED: (Status.FAILED,),
        Status.DONE: (),
    },
    field="status",
)
