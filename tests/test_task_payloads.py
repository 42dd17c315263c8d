"""A background task's arguments leave the database: they go through the broker (Redis), wait in the
outbox table (`accounts.OutboxTask`, kept until sent), and are written in the worker's log at every
receipt and failure, and in the outbox's warning when the broker is down. None of these is in the
personal-data registry, and none is scrubbed or erased. So a task takes only ids of rows and fixed codes,
never a text, an e-mail address or a name: it loads what it needs from the database, where erasure and
the exit for published text reach it.

The test reads the signature of every task of the project's apps: a new task (or parameter) that takes
anything but an int or a bool fails until it is declared below as a code, with what values it takes."""

import inspect

from config.celery import app

PROJECT_APPS = ("accounts", "consultation", "deliberation", "analysis")

# (task name, parameter): the fixed codes a task may take as a string.
CODES = {
    ("consultation.send_moderation_notice", "status"): "the moderation decision (Proposal.Status)",
    ("deliberation.notify_panel", "kind"): "which notice (deliberation.notifications)",
    ("deliberation.send_panel_notice", "kind"): "which notice (deliberation.notifications)",
}


def _project_tasks():
    app.loader.import_default_modules()
    for name, task in sorted(app.tasks.items()):
        if task.__module__.split(".")[0] in PROJECT_APPS:
            yield name, inspect.signature(task.run)


def test_there_are_tasks_to_check():
    assert len(list(_project_tasks())) >= 20


def test_every_task_takes_only_ids_and_codes():
    wrong = []
    for name, signature in _project_tasks():
        for parameter in signature.parameters.values():
            kind = parameter.annotation
            if kind in (int, bool) or (kind is str and (name, parameter.name) in CODES):
                continue
            wrong.append(f"{name}({parameter.name}: {getattr(kind, '__name__', kind)})")
    assert not wrong, (
        "A task takes ids and codes only (tests/test_task_payloads.py says why); load the rest from the "
        f"database, or declare a fixed code in CODES: {wrong}"
    )


def test_every_declared_code_is_a_parameter_of_a_task():
    parameters = {(name, p) for name, signature in _project_tasks() for p in signature.parameters}
    assert set(CODES) <= parameters, sorted(set(CODES) - parameters)
