"""Enqueue background tasks so that a broker outage loses none (a transactional outbox).

`enqueue(task, *args)` writes an `OutboxTask` row in the caller's transaction and, once it commits, sends
the task to the broker and deletes the row. If the broker cannot be reached, the row stays and the
request still succeeds (the change is saved; the work is only late): the periodic task
`accounts.flush_outbox` (Celery beat, every minute) sends what is pending once the broker is back. Tasks
are delivered at least once anyway (a worker lost before acknowledging), so every task is idempotent:
sending one twice does no harm, losing one would.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .models import OutboxTask

logger = logging.getLogger(__name__)

# What sending raises when Redis cannot be reached: the broker's clients (kombu, redis, sockets), and the
# result backend, which subscribes to each task's result as it is sent and gives up with a RuntimeError.
BROKER_DOWN = (OperationalError, RedisConnectionError, RedisTimeoutError, OSError, RuntimeError)


def enqueue(task, *args, countdown: int | None = None) -> None:
    """Send `task(*args)` to the broker when the current transaction commits (at once outside one)."""
    options = {"countdown": countdown} if countdown else {}
    row = OutboxTask.objects.create(task=task.name, args=list(args), options=options)
    transaction.on_commit(lambda: _send(row.pk))


def _send(row_id: int) -> bool:
    row = OutboxTask.objects.filter(pk=row_id).first()
    if row is None:  # already sent by the sweep
        return True
    if current_app.conf.task_always_eager:  # the embedded runtime runs it here; its errors are its own
        current_app.tasks[row.task].apply_async(tuple(row.args), **row.options)
        OutboxTask.objects.filter(pk=row_id).delete()
        return True
    try:  # by name: the sweep may run where the task's module was never imported
        current_app.send_task(row.task, args=tuple(row.args), **row.options)
    except BROKER_DOWN as exc:
        OutboxTask.objects.filter(pk=row_id).update(attempts=row.attempts + 1, last_error=str(exc)[:500])
        logger.warning("task %s%s left in the outbox: %s", row.task, tuple(row.args), exc)
        return False
    OutboxTask.objects.filter(pk=row_id).delete()
    return True


def flush(*, older_than: timedelta | None = None) -> tuple[int, int]:
    """Send the pending tasks written more than `older_than` ago (by default the grace period
    PACTE_OUTBOX_GRACE_SECONDS: a younger row may still be sent by the request that wrote it);
    returns (sent, still pending)."""
    if older_than is None:
        older_than = timedelta(seconds=settings.PACTE_OUTBOX_GRACE_SECONDS)
    due = OutboxTask.objects.filter(created_at__lte=timezone.now() - older_than).order_by("pk")
    sent = pending = 0
    for row_id in due.values_list("pk", flat=True):
        if _send(row_id):
            sent += 1
        else:
            pending += 1
            break  # the broker is still down: try again at the next sweep
    return sent, pending
