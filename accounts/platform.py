"""Why the platform acted by itself: an audit event without an actor records why in its details
(``details["platform"]``, a reason code, with ``task`` or ``command`` naming what ran), and the audit
console reads it as "The platform (closing time reached)" instead of a bare "system".

A service that knows why passes it in the event's details (closing at the closing time,
``consultation.services.closing``). Otherwise the entry point says it once for everything it records:
a Celery task (``task_prerun``, connected in ``AccountsConfig.ready``: a task the beat schedules is a
scheduled task, any other a background task), a management command (``PlatformCommand``), or a caller
with ``acting(reason)``. Events recorded before this module existed are never rewritten (the log is
hash-chained): they read "reason not recorded".

The layers above register the wording of their own reasons (``register_reasons``, in their
``AppConfig.ready``): this layer never imports them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

#: The key of an event's details that holds the reason code.
REASON = "platform"
SCHEDULED_TASK = "scheduled_task"
BACKGROUND_TASK = "background_task"
COMMAND = "command"
ERASURE = "erasure"

# What the console's "Actor" column says, by reason; `%(task)s` and `%(command)s` come from the details.
_labels: dict[str, object] = {
    SCHEDULED_TASK: _("The platform (scheduled task %(task)s)"),
    BACKGROUND_TASK: _("The platform (background task %(task)s)"),
    COMMAND: _("The platform (command %(command)s)"),
    ERASURE: _("The platform (account erased at its holder's request)"),
}
NOT_RECORDED = _("The platform (reason not recorded)")

_current: ContextVar[dict | None] = ContextVar("pacte_platform_reason", default=None)


def register_reasons(labels: Mapping[str, object]) -> None:
    """Declare the wording of reason codes (code -> "The platform (…)", translatable)."""
    _labels.update(labels)


@contextmanager
def acting(reason: str, **about: str) -> Iterator[None]:
    """Every event recorded without an actor inside the block records ``reason`` (and ``about``: e.g.
    ``task=...``); a reason already set by an enclosing block is kept (the command that ran a task
    eagerly says more than the task)."""
    if _current.get():
        yield
        return
    token = _current.set({REASON: reason, **about})
    try:
        yield
    finally:
        _current.reset(token)


def current() -> dict:
    """The details an event without an actor records about why, here and now ({} when nobody said)."""
    return dict(_current.get() or {})


def actor_label(details: Mapping) -> str:
    """The platform and why, in the reader's language, from an event's details."""
    label = _labels.get(details.get(REASON, ""))
    if label is None:
        return str(NOT_RECORDED)
    return str(label) % {"task": details.get("task", "?"), "command": details.get("command", "?")}


# --------------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------------

_task_blocks: dict[str, object] = {}


def _scheduled_tasks() -> set[str]:
    return {entry["task"] for entry in getattr(settings, "CELERY_BEAT_SCHEDULE", {}).values()}


def task_started(task_id=None, task=None, **_kwargs) -> None:
    """``task_prerun``: what the task records without an actor, it records as the platform's task."""
    reason = SCHEDULED_TASK if task.name in _scheduled_tasks() else BACKGROUND_TASK
    block = acting(reason, task=task.name)
    block.__enter__()
    _task_blocks[task_id] = block


def task_ended(task_id=None, **_kwargs) -> None:
    """``task_postrun``: the end of the task's block."""
    block = _task_blocks.pop(task_id, None)
    if block is None:
        return
    try:
        block.__exit__(None, None, None)
    except ValueError:  # ended in another context than it started (a pool of green threads)
        _current.set(None)


class PlatformCommand(BaseCommand):
    """A management command whose events without an actor say they came from it (its name), unless it
    says why itself with ``acting``."""

    def execute(self, *args, **options):
        with acting(COMMAND, command=type(self).__module__.rsplit(".", 1)[-1]):
            return super().execute(*args, **options)
