"""Progress of long work that runs in one transaction, written where the pages can read it meanwhile.

A job that must be all-or-nothing (the contribution import: nothing half-imported on error) holds one
transaction for its whole length; a progress figure written inside it stays invisible to every other
connection until the end, so the page's bar would sit at 0 % and jump to 100 %. `progress_writer` writes
the figure through a database connection of its own, in autocommit, beside the job's transaction: the page
(another connection) reads it while the job runs, and the job's own rows still appear all at once, or not at
all.

The figure is advisory: the update skips a row another transaction holds locked rather than wait for it (it
never waits on the job's own transaction), and a job rolled back leaves the last figure written, which the
job's end (done, or failed with the reason) then replaces. SQLite has one writer at a time: there the figure
goes through the caller's connection, as before (the embedded runtime runs tasks in the request anyway).

Each figure written is also the job's heartbeat (`heartbeat` column: the time of the write). A job whose
worker stopped answering (killed, out of memory, its result never written) is known by it: `stale` is the
one rule, "queued or running, and no sign of life for PACTE_JOB_STALE_MINUTES", and `stale` its query. The
page that shows the job and the beat (`consultation.fail_stale_jobs`) both apply it, so a dead job ends as
failed within that time and the organiser can start again; a job ended that way commits nothing should its
worker come back (it checks its job is still active, in its own transaction, before committing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models
from django.db import connection as default_connection
from django.db.models import Q, QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)


@contextmanager
def progress_writer(
    model: type[models.Model], pk: int, field: str = "progress", heartbeat: str | None = None
) -> Iterator[Callable[[int], None]]:
    """Yield `write(percent)`, which sets `model.<field>` of row `pk` (and `model.<heartbeat>` to the time
    of the write, when given) so that other connections see it at once, whatever transaction the caller is
    in. The side connection is opened at the first write and closed on leaving."""
    if default_connection.vendor != "postgresql":
        rows = model._default_manager.filter(pk=pk)
        beat = (lambda: {heartbeat: timezone.now()}) if heartbeat else dict
        yield lambda percent: rows.update(**{field: percent}, **beat())
        return
    quote = default_connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = quote(model._meta.get_field(field).column)
    alive = f", {quote(model._meta.get_field(heartbeat).column)} = now()" if heartbeat else ""
    key = quote(model._meta.pk.column)
    # SKIP LOCKED: a row locked by another transaction (the job's own, should it touch the row) is left as
    # it is rather than waited for.
    sql = (  # names from the model's own metadata, quoted; the values are parameters
        f"UPDATE {table} SET {column} = %s{alive} WHERE {key} = "  # noqa: S608
        f"(SELECT {key} FROM {table} WHERE {key} = %s FOR UPDATE SKIP LOCKED)"
    )
    side = None
    broken = False

    def write(percent: int) -> None:
        nonlocal side, broken
        if broken:
            return
        try:
            if side is None:
                # A connection of its own (not the thread's), on the same database: in autocommit, outside
                # the caller's transaction.
                current = connections[DEFAULT_DB_ALIAS]
                side = type(current)(current.settings_dict, current.alias)
            with side.cursor() as cursor:
                cursor.execute(sql, [percent, pk])
        except DatabaseError:
            # Advisory: a figure that cannot be written (no connection left, the server restarting) must
            # not fail the job it describes. Stop writing; the job's end still sets the final state.
            logger.warning("progress of %s %s: not written, the side connection failed", model.__name__, pk)
            broken = True
            if side is not None:
                side.close()
                side = None

    try:
        yield write
    finally:
        if side is not None:
            side.close()


def stale_before(now: datetime | None = None) -> datetime:
    """A job queued or running whose last sign of life is older than this has lost its worker (`stale`)."""
    return (now or timezone.now()) - timedelta(minutes=settings.PACTE_JOB_STALE_MINUTES)


def stale(
    queryset: QuerySet, active: Q, heartbeat: str = "heartbeat_at", now: datetime | None = None
) -> QuerySet:
    """The rows of `queryset` that lost their worker: active (`active`, the filter of a queued or running
    job) with no sign of life (`heartbeat`: queued, claimed or a progress figure written) for
    PACTE_JOB_STALE_MINUTES."""
    silent = Q(**{f"{heartbeat}__isnull": True}) | Q(**{f"{heartbeat}__lt": stale_before(now)})
    return queryset.filter(active).filter(silent)
