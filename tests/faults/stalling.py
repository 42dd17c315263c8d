"""The Celery app of a worker that a fault test will kill at a chosen point of a task.

A test starts its first worker with ``-A tests.faults.stalling`` and ``PACTE_FAULT_STALL`` set to a JSON
object: ``target`` ("module:attribute.path", e.g. "deliberation.services:record_selection_result"),
``call`` (which call stalls, counting from 1) and ``when`` ("before" or "after" that call runs). At that
call the worker writes the file ``marker`` and then waits until it is killed: the test knows that the task
is half-way (and what it has written so far) without any timing guess. The next worker is a plain
``celery -A config worker``, or a worker of this app started beside the first with ``PACTE_FAULT_HOLD``
set to a file name: it loads Django and the tasks (the slow part of starting), then waits for that file
before it reads the queue, so it cannot take the task before the first worker does. Production code is
not touched: the patch lives in this worker's pool process only."""

import importlib
import json
import os
import time
from pathlib import Path

from celery.signals import worker_init, worker_process_init

from config.celery import app

__all__ = ["app"]


def _resolve(target: str):
    module_name, _, path = target.partition(":")
    owner = importlib.import_module(module_name)
    *parents, name = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    return owner, name


def stall_at(target: str, call: int, when: str, marker: Path) -> None:
    """Replace `target` by a wrapper that, at its `call`-th call, writes `marker` and sleeps for ever."""
    owner, name = _resolve(target)
    original = getattr(owner, name)
    calls = {"n": 0}

    def stall() -> None:
        marker.write_text(f"{os.getpid()}\n")
        while True:  # until the test kills this worker (SIGKILL)
            time.sleep(1)

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == call and when == "before":
            stall()
        result = original(*args, **kwargs)
        if calls["n"] == call and when == "after":
            stall()
        return result

    setattr(owner, name, wrapper)


@worker_init.connect
def _hold(**_kwargs) -> None:
    if hold := os.environ.get("PACTE_FAULT_HOLD"):
        while not Path(hold).exists():
            time.sleep(0.05)


@worker_process_init.connect
def _install(**_kwargs) -> None:
    if "PACTE_FAULT_STALL" not in os.environ:
        return
    spec = json.loads(os.environ["PACTE_FAULT_STALL"])
    stall_at(spec["target"], int(spec.get("call", 1)), spec.get("when", "before"), Path(spec["marker"]))
